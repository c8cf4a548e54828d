// The data directory: where the database and keys live.
#pragma once

#include <filesystem>
#include <memory>

#include "stockroom/store/sqlite_store.h"

namespace stockroom::cli {

// Creates `dir` (mode 0700) if missing and returns its absolute path. Throws on failure.
std::filesystem::path PrepareDataDir(const std::string& dir);

// Opens the SQLite database of the data directory.
std::unique_ptr<store::Store> OpenStore(const std::filesystem::path& data_dir, store::Durability durability,
                                        int connections);

}  // namespace stockroom::cli
