// A strict RFC 8259 JSON parser for token headers, claims and keys.
// Thread-safe: ParseStrictJson keeps no state between calls.
//
// boost::json::parse alone is not enough here: it keeps the last of duplicate member names,
// and a header such as {"alg":"HS256","alg":"none"} must not mean different things to
// different readers. RFC 7515 s.4 and RFC 7519 s.4 allow reject-or-last-wins; we reject.
#pragma once

#include <boost/json/value.hpp>
#include <cstddef>
#include <string_view>

#include "stockroom/jose/error.h"

namespace stockroom::jose {

// Limits, each applied to one parsed text.
// Nesting deeper than this is refused: the parser recurses once per level, and no header or
// claims set needs more than a handful.
inline constexpr int kMaxJsonDepth = 64;
// A longer number literal (sign, digits, point, exponent) is refused: no claim needs one, and
// long literals are a known cost amplifier for number conversion.
inline constexpr std::size_t kMaxJsonNumberChars = 64;

// Parses exactly one JSON value from `text` (surrounding JSON whitespace allowed). Fails with
// `error_code` (callers pass kHeaderJson, kPayloadJson or kJwkInvalid) and a detail naming the
// byte offset when the text is not strict RFC 8259:
//   - not UTF-8 (overlong forms, surrogates, code points above U+10FFFF), or starts with a BOM;
//   - NaN, Infinity, comments, single quotes, trailing commas, control characters in strings,
//     \u escapes forming unpaired surrogates, anything after the value;
//   - a member name repeated in one object (compared after unescaping), at any depth;
//   - nesting deeper than kMaxJsonDepth, a number literal longer than kMaxJsonNumberChars or
//     whose magnitude overflows an IEEE double (literals that underflow become 0).
// Integers without fraction or exponent become int64 when they fit, else uint64 when they fit,
// else double; other numbers become double. Member order is kept.
Result<boost::json::value> ParseStrictJson(std::string_view text, Errc error_code);

}  // namespace stockroom::jose
