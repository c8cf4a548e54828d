// Table-driven base64url (RFC 7515 s.2). Thread-safe: pure functions over constant tables.

#include "stockroom/jose/base64url.h"

#include <array>
#include <cstdint>

namespace stockroom::jose {
namespace {

// RFC 4648 s.5 table 2: the URL- and filename-safe alphabet.
constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

constexpr std::uint8_t kInvalid = 0x80;  // any value with this bit is not in the alphabet

constexpr std::array<std::uint8_t, 256> MakeDecodeTable() {
  std::array<std::uint8_t, 256> table{};
  for (auto& entry : table) entry = kInvalid;
  for (std::uint8_t i = 0; i < 64; ++i) table[static_cast<unsigned char>(kAlphabet[i])] = i;
  return table;
}

constexpr std::array<std::uint8_t, 256> kDecode = MakeDecodeTable();

}  // namespace

std::string Base64UrlEncode(std::string_view bytes) {
  const auto* in = reinterpret_cast<const unsigned char*>(bytes.data());
  const std::size_t n = bytes.size();
  std::string out((n / 3) * 4 + (n % 3 == 0 ? 0 : n % 3 + 1), '\0');
  char* o = out.data();
  std::size_t i = 0;
  for (; i + 3 <= n; i += 3) {
    const std::uint32_t v = (std::uint32_t{in[i]} << 16) | (std::uint32_t{in[i + 1]} << 8) | in[i + 2];
    *o++ = kAlphabet[v >> 18];
    *o++ = kAlphabet[(v >> 12) & 63];
    *o++ = kAlphabet[(v >> 6) & 63];
    *o++ = kAlphabet[v & 63];
  }
  // RFC 7515 s.2: the final quantum is written without "=" padding.
  if (n - i == 1) {
    const std::uint32_t v = std::uint32_t{in[i]} << 16;
    *o++ = kAlphabet[v >> 18];
    *o++ = kAlphabet[(v >> 12) & 63];
  } else if (n - i == 2) {
    const std::uint32_t v = (std::uint32_t{in[i]} << 16) | (std::uint32_t{in[i + 1]} << 8);
    *o++ = kAlphabet[v >> 18];
    *o++ = kAlphabet[(v >> 12) & 63];
    *o++ = kAlphabet[(v >> 6) & 63];
  }
  return out;
}

Result<std::string> Base64UrlDecode(std::string_view text) {
  const auto* in = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t n = text.size();

  // Charset first (RFC 7515 s.2: no padding, line breaks, whitespace or other characters), so
  // the error names the first fault a reader would see.
  std::uint8_t seen = 0;
  for (std::size_t i = 0; i < n; ++i) seen |= kDecode[in[i]];
  if (seen & kInvalid) {
    std::size_t at = 0;
    while (!(kDecode[in[at]] & kInvalid)) ++at;
    return Error{Errc::kBase64Charset, "byte " + std::to_string(at) + " is not in the base64url alphabet"};
  }
  // RFC 7515 appendix C: one leftover character cannot encode a byte.
  if (n % 4 == 1) {
    return Error{Errc::kBase64Length, "length " + std::to_string(n) + " leaves 6 bits, which encode no byte"};
  }

  std::string out((n / 4) * 3 + (n % 4 == 0 ? 0 : n % 4 - 1), '\0');
  auto* o = reinterpret_cast<unsigned char*>(out.data());
  std::size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    const std::uint32_t v = (std::uint32_t{kDecode[in[i]]} << 18) | (std::uint32_t{kDecode[in[i + 1]]} << 12) |
                            (std::uint32_t{kDecode[in[i + 2]]} << 6) | kDecode[in[i + 3]];
    *o++ = static_cast<unsigned char>(v >> 16);
    *o++ = static_cast<unsigned char>(v >> 8);
    *o++ = static_cast<unsigned char>(v);
  }
  // A final quantum of 2 (3) characters carries 12 (18) bits for 8 (16): the 4 (2) unused bits
  // must be zero, or a second spelling of the same bytes would be accepted (RFC 4648 s.3.5).
  if (n - i == 2) {
    const std::uint32_t v = (std::uint32_t{kDecode[in[i]]} << 6) | kDecode[in[i + 1]];
    if (v & 0x0F) return Error{Errc::kBase64NonCanonical, "non-zero unused bits in the last character"};
    *o++ = static_cast<unsigned char>(v >> 4);
  } else if (n - i == 3) {
    const std::uint32_t v =
        (std::uint32_t{kDecode[in[i]]} << 12) | (std::uint32_t{kDecode[in[i + 1]]} << 6) | kDecode[in[i + 2]];
    if (v & 0x03) return Error{Errc::kBase64NonCanonical, "non-zero unused bits in the last character"};
    *o++ = static_cast<unsigned char>(v >> 10);
    *o++ = static_cast<unsigned char>(v >> 2);
  }
  return out;
}

}  // namespace stockroom::jose
