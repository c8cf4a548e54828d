#include "stockroom/auth/password.h"

#include "stockroom/auth/password_policy.h"

#include <sodium.h>

#include <optional>
#include <stdexcept>

namespace stockroom::auth {

PasswordHasher::PasswordHasher(Argon2Params params) : params_(params) {
  if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
  dummy_hash_ = Hash("stockroom-dummy-password-for-unknown-users");
}

std::string PasswordHasher::Hash(std::string_view raw_password) const {
  const std::string password = NormalizePassword(raw_password).value_or(std::string(raw_password));
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), params_.ops_limit, params_.mem_limit,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    throw std::runtime_error("password hashing ran out of memory");
  }
  return std::string(out);
}

bool PasswordHasher::Verify(std::string_view hash, std::string_view raw_password) const {
  const std::string password = NormalizePassword(raw_password).value_or(std::string(raw_password));
  // crypto_pwhash_str_verify needs a NUL-terminated hash.
  std::string terminated(hash);
  return crypto_pwhash_str_verify(terminated.c_str(), password.data(), password.size()) == 0;
}

bool PasswordHasher::NeedsRehash(std::string_view hash) const {
  std::string terminated(hash);
  return crypto_pwhash_str_needs_rehash(terminated.c_str(), params_.ops_limit, params_.mem_limit) != 0;
}

bool PasswordHasher::VerifyAgainstDummy(std::string_view password) const {
  Verify(dummy_hash_, password);
  return false;
}

std::optional<std::string> CheckUsername(std::string_view username) {
  if (username.empty()) return "must not be empty";
  if (username.size() > 64) return "must be at most 64 characters";
  for (char c : username) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
              c == '_' || c == '@' || c == '-';
    if (!ok) return "may contain only A-Z, a-z, 0-9, '.', '_', '@' and '-'";
  }
  return std::nullopt;
}

}  // namespace stockroom::auth
