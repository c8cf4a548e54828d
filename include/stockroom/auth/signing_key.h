// The server's token signing key, kept in the data directory.
#pragma once

#include <filesystem>

#include "stockroom/jose/key.h"

namespace stockroom::auth {

// Loads `<data_dir>/signing-key.jwk`, or on first start creates it: a 256-bit random HS256
// secret with a random kid, written atomically with mode 0600. Throws std::runtime_error
// with a clear message when the file cannot be read, written or parsed, or is readable by
// group or others. The secret is never logged.
jose::Key LoadOrCreateSigningKey(const std::filesystem::path& data_dir);

// The path of that file.
std::filesystem::path SigningKeyPath(const std::filesystem::path& data_dir);

}  // namespace stockroom::auth
