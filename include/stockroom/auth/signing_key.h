// The server's token signing key, kept in the data directory.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "stockroom/jose/key.h"

namespace stockroom::auth {

// Loads `<data_dir>/signing-key.jwk`, or on first start creates it: a new random key for `alg`
// (a 256-bit secret for HS256) with a kid, written atomically with mode 0600. Throws
// std::runtime_error with a clear message when the file cannot be read, written or parsed, is
// readable by group or others, or holds a key for another algorithm than `alg`. The key is
// never logged.
jose::Key LoadOrCreateSigningKey(const std::filesystem::path& data_dir,
                                 jose::Algorithm alg = jose::Algorithm::kHS256);

// Loads a signing key for `alg` from `path`: a private JWK, or a PKCS#8 PEM private key (whose
// kid is then its RFC 7638 thumbprint). Same checks and errors as LoadOrCreateSigningKey.
jose::Key LoadSigningKeyFile(const std::filesystem::path& path, jose::Algorithm alg);

// Loads `<data_dir>/refresh-secret.jwk`, or on first start creates it (256 random bits, mode
// 0600): the secret that derives refresh token successors. Errors as LoadOrCreateSigningKey.
jose::Secret LoadOrCreateRefreshSecret(const std::filesystem::path& data_dir);

// Key rotation. The active key is `<data_dir>/signing-key.jwk`; keys it replaced stay in
// `<data_dir>/previous-keys.jwks` (HMAC secrets in full, asymmetric keys public only), each
// with "rotated_at" (unix seconds), and keep verifying the tokens they signed.

// The algorithm of the active key, or nullopt before the first start.
std::optional<jose::Algorithm> ActiveKeyAlgorithm(const std::filesystem::path& data_dir);

// The previous keys rotated less than `max_token_age` seconds before `now`: every token they
// can have signed may still be valid. Older ones no token needs, so they are not loaded.
std::vector<jose::Key> LoadPreviousKeys(const std::filesystem::path& data_dir, std::int64_t now,
                                        std::int64_t max_token_age);

// Makes a new random key for `alg` the active one and keeps the old one as a previous key.
// Returns the new key. A running server uses it after a restart.
jose::Key RotateSigningKey(const std::filesystem::path& data_dir, jose::Algorithm alg, std::int64_t now);

// Forgets previous key `kid`: tokens it signed stop verifying (after a restart). False when no
// previous key has that kid (the active key cannot be retired; rotate first).
bool RetirePreviousKey(const std::filesystem::path& data_dir, const std::string& kid);

struct SigningKeyInfo {
  std::string kid;
  std::string algorithm;
  bool active = false;
  std::int64_t rotated_at = 0;  // previous keys only
};
// The active key first, then the previous ones, newest first.
std::vector<SigningKeyInfo> ListSigningKeys(const std::filesystem::path& data_dir);

// The path of the signing key file.
std::filesystem::path SigningKeyPath(const std::filesystem::path& data_dir);

}  // namespace stockroom::auth
