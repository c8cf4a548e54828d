// Password hashing with libsodium's Argon2id (crypto_pwhash_str). Thread-safe; every call
// is slow on purpose (tens of milliseconds, tens of MiB): call it off the I/O threads.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace stockroom::auth {

struct Argon2Params {
  unsigned long long ops_limit = 2;          // crypto_pwhash_OPSLIMIT_INTERACTIVE
  std::size_t mem_limit = 64 * 1024 * 1024;  // bytes; crypto_pwhash_MEMLIMIT_INTERACTIVE
};

class PasswordHasher {
 public:
  // Initialises libsodium; throws std::runtime_error when it cannot (start-up failure).
  explicit PasswordHasher(Argon2Params params = {});

  // Returns the PHC-format hash ("$argon2id$v=19$..."), salted at random, of the NFKC form of
  // `password` (Verify normalizes the same way).
  // Throws std::runtime_error when memory for hashing cannot be had.
  std::string Hash(std::string_view password) const;

  // True when `password` matches `hash`. Costs the same whether or not it matches.
  bool Verify(std::string_view hash, std::string_view password) const;

  // True when `hash` was made with other (older, weaker) parameters than this hasher's: the
  // caller should store Hash(password) after a successful Verify.
  bool NeedsRehash(std::string_view hash) const;

  const Argon2Params& params() const { return params_; }

  // Costs what Verify costs, for a user who does not exist, so that an unknown username
  // cannot be told apart from a wrong password by timing. Always false.
  bool VerifyAgainstDummy(std::string_view password) const;

 private:
  Argon2Params params_;
  std::string dummy_hash_;
};

// Limits of a password, in bytes of UTF-8 (NIST SP 800-63B 5.1.1.2: at least 8, allow at
// least 64; we ask for 12 and allow 1024, far above any passphrase and far below a DoS).
constexpr std::size_t kMinPasswordLength = 12;
constexpr std::size_t kMaxPasswordBytes = 1024;

// nullopt when `password` is acceptable for `username`, else why not (password_policy.h).
std::optional<std::string> CheckNewPassword(std::string_view username, std::string_view password);

// nullopt when `username` is acceptable: 1-64 of A-Z a-z 0-9 . _ @ -, else why not.
std::optional<std::string> CheckUsername(std::string_view username);

}  // namespace stockroom::auth
