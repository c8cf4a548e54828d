#include "stockroom/auth/signing_key.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <fstream>
#include <optional>
#include <sstream>
#include <stdexcept>

#include "stockroom/auth/access_tokens.h"
#include "stockroom/jose/base64url.h"

namespace stockroom::auth {
namespace {

[[noreturn]] void Fail(const std::filesystem::path& path, const std::string& what) {
  throw std::runtime_error("signing key " + path.string() + ": " + what);
}

jose::Key Load(const std::filesystem::path& path, jose::Algorithm alg) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) Fail(path, "cannot stat");
  if ((info.st_mode & 077) != 0) Fail(path, "must not be readable by group or others (chmod 600)");
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  const std::string content = text.str();
  std::optional<jose::Key> key;
  if (content.find("-----BEGIN ") != std::string::npos) {
    auto pem = jose::Key::FromPem(content, alg);
    if (!pem) Fail(path, "unusable key: " + pem.error().detail);
    auto named = jose::Key::FromPem(content, alg, pem->Thumbprint());
    key = std::move(*named);
  } else {
    boost::system::error_code ec;
    auto value = boost::json::parse(content, ec);
    if (ec || !value.is_object()) Fail(path, "is not a JSON Web Key or PEM private key");
    auto jwk = jose::Key::FromJwk(value.as_object());
    if (!jwk) Fail(path, "unusable key: " + jwk.error().detail);
    key = std::move(*jwk);
  }
  if (key->algorithm() != alg) {
    Fail(path, "holds a " + std::string(jose::AlgorithmName(key->algorithm())) + " key, but the configured algorithm is " +
                   std::string(jose::AlgorithmName(alg)) + " (--jwt-alg); use a key for it or move the file away");
  }
  if (auto usable = key->CheckUsable(alg, jose::KeyOp::kSign); !usable) Fail(path, usable.error().detail);
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

jose::Key LoadOrCreateSigningKey(const std::filesystem::path& data_dir, jose::Algorithm alg) {
  const auto path = SigningKeyPath(data_dir);
  if (std::filesystem::exists(path)) return Load(path, alg);
  // HMAC keys get a random kid: a thumbprint of a secret would be a hash of the secret.
  auto key = jose::Key::Generate(alg, jose::AlgorithmKeyType(alg) == jose::KeyType::kOct ? RandomId(8) : "");
  if (!key) Fail(path, key.error().detail);
  WriteNew(path, *key);
  return Load(path, alg);
}

jose::Secret LoadOrCreateRefreshSecret(const std::filesystem::path& data_dir) {
  const auto path = data_dir / "refresh-secret.jwk";
  if (!std::filesystem::exists(path)) {
    auto key = jose::Key::Generate(jose::Algorithm::kHS256, "refresh");
    if (!key) Fail(path, key.error().detail);
    WriteNew(path, *key);
  }
  const jose::Key key = Load(path, jose::Algorithm::kHS256);
  auto bytes = jose::Base64UrlDecode(key.ToJwk(/*include_private=*/true).at("k").as_string());
  if (!bytes) Fail(path, "unreadable secret");
  return jose::Secret(std::move(*bytes));
}

jose::Key LoadSigningKeyFile(const std::filesystem::path& path, jose::Algorithm alg) { return Load(path, alg); }

}  // namespace stockroom::auth
