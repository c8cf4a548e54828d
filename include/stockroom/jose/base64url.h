// base64url without padding (RFC 7515 s.2, RFC 4648 s.5), strict: every byte string has
// exactly one accepted spelling. Thread-safe: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "stockroom/jose/error.h"

namespace stockroom::jose {

// The base64url encoding of `bytes`, without padding.
std::string Base64UrlEncode(std::string_view bytes);

// The bytes `text` encodes. Fails, checked in this order, with
//   kBase64Charset       a character outside A-Z a-z 0-9 - _ (this includes '=', whitespace)
//   kBase64Length        text.size() % 4 == 1 (no byte string encodes to that length)
//   kBase64NonCanonical  the unused low bits of the last character are not zero
// The empty text decodes to the empty string.
Result<std::string> Base64UrlDecode(std::string_view text);

}  // namespace stockroom::jose
