#include "stockroom/auth/signing_key.h"

#include <fcntl.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "stockroom/auth/access_tokens.h"

namespace stockroom::auth {
namespace {

[[noreturn]] void Fail(const std::filesystem::path& path, const std::string& what) {
  throw std::runtime_error("signing key " + path.string() + ": " + what);
}

jose::Key Load(const std::filesystem::path& path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) Fail(path, "cannot stat");
  if ((info.st_mode & 077) != 0) Fail(path, "must not be readable by group or others (chmod 600)");
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  boost::system::error_code ec;
  auto value = boost::json::parse(text.str(), ec);
  if (ec || !value.is_object()) Fail(path, "is not a JSON Web Key");
  auto key = jose::Key::FromJwk(value.as_object());
  if (!key) Fail(path, "unusable key: " + key.error().detail);
  return std::move(*key);
}

void WriteNew(const std::filesystem::path& path, const jose::Key& key) {
  const std::string text = boost::json::serialize(key.ToJwk(/*include_private=*/true)) + "\n";
  const std::filesystem::path temp = path.string() + ".tmp";
  std::filesystem::remove(temp);
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) Fail(path, "cannot create");
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
  ok = (::close(fd) == 0) && ok;
  if (!ok) Fail(path, "cannot write");
  std::filesystem::rename(temp, path);
}

}  // namespace

std::filesystem::path SigningKeyPath(const std::filesystem::path& data_dir) {
  return data_dir / "signing-key.jwk";
}

jose::Key LoadOrCreateSigningKey(const std::filesystem::path& data_dir) {
  const auto path = SigningKeyPath(data_dir);
  if (std::filesystem::exists(path)) return Load(path);
  std::string secret(32, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(secret.data()), static_cast<int>(secret.size())) != 1) {
    Fail(path, "the random number generator failed");
  }
  auto key = jose::Key::Hmac(jose::Algorithm::kHS256, jose::Secret(std::move(secret)), RandomId(8));
  if (!key) Fail(path, key.error().detail);
  WriteNew(path, *key);
  return Load(path);
}

}  // namespace stockroom::auth
