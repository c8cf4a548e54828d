#include "private_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace stockroom::auth {

std::string ReadPrivateFile(const std::filesystem::path& path, const std::string& what) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) throw std::runtime_error(what + " " + path.string() + ": cannot stat");
  if ((info.st_mode & 077) != 0) {
    throw std::runtime_error(what + " " + path.string() + ": must not be readable by group or others (chmod 600)");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(what + " " + path.string() + ": cannot read");
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

void WritePrivateFile(const std::filesystem::path& path, const std::string& text, const std::string& what) {
  const std::filesystem::path temp = path.string() + ".tmp";
  std::filesystem::remove(temp);
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) throw std::runtime_error(what + " " + path.string() + ": cannot create");
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
  ok = (::close(fd) == 0) && ok;
  if (!ok) throw std::runtime_error(what + " " + path.string() + ": cannot write");
  std::filesystem::rename(temp, path);
}

}  // namespace stockroom::auth
