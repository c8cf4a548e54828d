// base64url decoding into a caller's buffer, for the verification fast path. Private to jose/.
// Thread-safe: pure functions.
#pragma once

#include <cstddef>
#include <string_view>

#include "stockroom/jose/error.h"

namespace stockroom::jose::detail {

// The number of bytes `encoded_size` base64url characters decode to (when that size is valid).
constexpr std::size_t Base64UrlDecodedSize(std::size_t encoded_size) {
  return (encoded_size / 4) * 3 + (encoded_size % 4 <= 1 ? 0 : encoded_size % 4 - 1);
}

// Base64UrlDecode (base64url.h) writing the bytes to `out`, which has room for
// Base64UrlDecodedSize(text.size()) bytes; same checks, order and errors. On failure the
// contents of `out` are unspecified.
Result<void> Base64UrlDecodeTo(std::string_view text, unsigned char* out);

}  // namespace stockroom::jose::detail
