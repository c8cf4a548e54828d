#include "cli/data_dir.h"

#include <sys/stat.h>

#include <stdexcept>

namespace stockroom::cli {

std::filesystem::path PrepareDataDir(const std::string& dir) {
  std::filesystem::path path = std::filesystem::absolute(dir);
  std::error_code ec;
  if (!std::filesystem::exists(path)) {
    std::filesystem::create_directories(path, ec);
    if (ec) throw std::runtime_error("cannot create data directory " + path.string() + ": " + ec.message());
    ::chmod(path.c_str(), 0700);
  }
  if (!std::filesystem::is_directory(path)) throw std::runtime_error(path.string() + " is not a directory");
  return path;
}

std::filesystem::path ExistingDataDir(const std::string& dir) {
  std::filesystem::path path = std::filesystem::absolute(dir);
  if (!std::filesystem::exists(path / "stockroom.db")) {
    throw std::runtime_error("no Stockroom data in " + path.string() +
                             ": give the --data-dir of your server (or set STOCKROOM_DATA_DIR), or start "
                             "`stockroom serve --data-dir " + dir + "` once to create it");
  }
  return path;
}

std::unique_ptr<store::Store> OpenStore(const std::filesystem::path& data_dir, store::Durability durability,
                                        int connections) {
  store::SqliteOptions options;
  options.path = (data_dir / "stockroom.db").string();
  options.durability = durability;
  options.connections = connections;
  return store::OpenSqliteStore(options);
}

}  // namespace stockroom::cli
