// The server's token signing key, kept in the data directory.
#pragma once

#include <filesystem>

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

// The path of the signing key file.
std::filesystem::path SigningKeyPath(const std::filesystem::path& data_dir);

}  // namespace stockroom::auth
