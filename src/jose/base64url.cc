// Table-driven base64url (RFC 7515 s.2). Thread-safe: pure functions over constant tables.

#include "stockroom/jose/base64url.h"

#include <array>
#if defined(__x86_64__)
#include <immintrin.h>
#endif
#include <bit>
#include <cstring>
#include <cstdint>

#include "base64url_detail.h"

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

// The decoding table pre-shifted for each position of a 4-character quantum: one OR of four
// lookups makes the 24 bits. Characters outside the alphabet set the top byte instead.
constexpr std::uint32_t kInvalidQuantum = 0xFF000000;
constexpr std::array<std::uint32_t, 256> MakeShiftedTable(int shift) {
  std::array<std::uint32_t, 256> table{};
  for (int c = 0; c < 256; ++c) {
    table[c] = (kDecode[c] & kInvalid) ? kInvalidQuantum : std::uint32_t{kDecode[c]} << shift;
  }
  return table;
}
constexpr std::array<std::uint32_t, 256> kDecode18 = MakeShiftedTable(18);
constexpr std::array<std::uint32_t, 256> kDecode12 = MakeShiftedTable(12);
constexpr std::array<std::uint32_t, 256> kDecode6 = MakeShiftedTable(6);
constexpr std::array<std::uint32_t, 256> kDecode0 = MakeShiftedTable(0);

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define STOCKROOM_BASE64_AVX2 1

// AVX2 decoding of 32 characters into 24 bytes per step (the technique of Mula and Lemire,
// "Faster Base64 Encoding and Decoding Using AVX2 Instructions", 2018, with range compares for
// the base64url alphabet). Decodes from `in` while at least 32 characters remain and `out` has
// room for a 32-byte store; stops early, before any character outside the alphabet. Returns the
// number of characters consumed (a multiple of 32); the caller decodes and checks the rest.
__attribute__((target("avx2"))) std::size_t DecodeAvx2(const unsigned char* in, std::size_t n, unsigned char* out,
                                                      std::size_t out_size) {
  std::size_t i = 0;
  std::size_t o = 0;
  const __m256i upper_lo = _mm256_set1_epi8('A' - 1), upper_hi = _mm256_set1_epi8('Z' + 1);
  const __m256i lower_lo = _mm256_set1_epi8('a' - 1), lower_hi = _mm256_set1_epi8('z' + 1);
  const __m256i digit_lo = _mm256_set1_epi8('0' - 1), digit_hi = _mm256_set1_epi8('9' + 1);
  const __m256i dash = _mm256_set1_epi8('-'), underscore = _mm256_set1_epi8('_');
  // Added to a character of each class to give its 6-bit value (RFC 4648 table 2).
  const __m256i upper_add = _mm256_set1_epi8(-65), lower_add = _mm256_set1_epi8(-71);
  const __m256i digit_add = _mm256_set1_epi8(4), dash_add = _mm256_set1_epi8(62 - '-');
  const __m256i underscore_add = _mm256_set1_epi8(63 - '_');
  const __m256i merge_pairs = _mm256_set1_epi32(0x01400140);  // a * 64 + b in each 16-bit lane
  const __m256i merge_quads = _mm256_set1_epi32(0x00011000);  // ab * 4096 + cd in each 32-bit lane
  // The 3 bytes of each 32-bit lane, most significant first, packed at the start of each half.
  const __m256i pack = _mm256_setr_epi8(2, 1, 0, 6, 5, 4, 10, 9, 8, 14, 13, 12, -1, -1, -1, -1,  //
                                        2, 1, 0, 6, 5, 4, 10, 9, 8, 14, 13, 12, -1, -1, -1, -1);
  const __m256i halves = _mm256_setr_epi32(0, 1, 2, 4, 5, 6, 3, 7);
  while (n - i >= 32 && out_size - o >= 32) {
    const __m256i c = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(in + i));
    // Signed compares: bytes >= 0x80 are negative, so in no range.
    const __m256i is_upper = _mm256_and_si256(_mm256_cmpgt_epi8(c, upper_lo), _mm256_cmpgt_epi8(upper_hi, c));
    const __m256i is_lower = _mm256_and_si256(_mm256_cmpgt_epi8(c, lower_lo), _mm256_cmpgt_epi8(lower_hi, c));
    const __m256i is_digit = _mm256_and_si256(_mm256_cmpgt_epi8(c, digit_lo), _mm256_cmpgt_epi8(digit_hi, c));
    const __m256i is_dash = _mm256_cmpeq_epi8(c, dash);
    const __m256i is_underscore = _mm256_cmpeq_epi8(c, underscore);
    const __m256i valid = _mm256_or_si256(_mm256_or_si256(is_upper, is_lower),
                                          _mm256_or_si256(is_digit, _mm256_or_si256(is_dash, is_underscore)));
    if (static_cast<std::uint32_t>(_mm256_movemask_epi8(valid)) != 0xFFFFFFFFu) break;
    const __m256i add = _mm256_or_si256(
        _mm256_or_si256(_mm256_and_si256(is_upper, upper_add), _mm256_and_si256(is_lower, lower_add)),
        _mm256_or_si256(_mm256_and_si256(is_digit, digit_add),
                        _mm256_or_si256(_mm256_and_si256(is_dash, dash_add),
                                        _mm256_and_si256(is_underscore, underscore_add))));
    const __m256i values = _mm256_add_epi8(c, add);
    const __m256i pairs = _mm256_maddubs_epi16(values, merge_pairs);
    const __m256i quads = _mm256_madd_epi16(pairs, merge_quads);
    const __m256i bytes = _mm256_permutevar8x32_epi32(_mm256_shuffle_epi8(quads, pack), halves);
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + o), bytes);  // 24 bytes, and 8 overwritten later
    i += 32;
    o += 24;
  }
  return i;
}

bool HaveAvx2() {
  static const bool have = __builtin_cpu_supports("avx2");
  return have;
}
#endif

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

namespace detail {

Result<void> Base64UrlDecodeTo(std::string_view text, unsigned char* out) {
  const auto* in = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t n = text.size();
  unsigned char* o = out;
  // One pass decodes and collects the table entries' kInvalid bits; a character outside the
  // alphabet is located afterwards, on the error path only.
  std::uint32_t seen = 0;
  std::size_t i = 0;
#ifdef STOCKROOM_BASE64_AVX2
  if (n >= 32 && HaveAvx2()) {
    i = DecodeAvx2(in, n, out, Base64UrlDecodedSize(n));
    o += i / 4 * 3;
  }
#endif
  // While another full quantum follows, write each 3 bytes with one 4-byte store: its fourth
  // byte is overwritten by the next quantum.
  for (; i + 8 <= n; i += 4) {
    const std::uint32_t v = kDecode18[in[i]] | kDecode12[in[i + 1]] | kDecode6[in[i + 2]] | kDecode0[in[i + 3]];
    seen |= v;
    std::uint32_t word = v << 8;  // the three bytes, most significant first
    if constexpr (std::endian::native == std::endian::little) word = __builtin_bswap32(word);
    std::memcpy(o, &word, 4);
    o += 3;
  }
  for (; i + 4 <= n; i += 4) {
    const std::uint32_t v = kDecode18[in[i]] | kDecode12[in[i + 1]] | kDecode6[in[i + 2]] | kDecode0[in[i + 3]];
    seen |= v;
    o[0] = static_cast<unsigned char>(v >> 16);
    o[1] = static_cast<unsigned char>(v >> 8);
    o[2] = static_cast<unsigned char>(v);
    o += 3;
  }
  for (std::size_t j = i; j < n; ++j) seen |= kDecode0[in[j]];
  // Charset first (RFC 7515 s.2: no padding, line breaks, whitespace or other characters), so
  // the error names the first fault a reader would see.
  if (seen & kInvalidQuantum) {
    std::size_t at = 0;
    while (!(kDecode[in[at]] & kInvalid)) ++at;
    return Error{Errc::kBase64Charset, "byte " + std::to_string(at) + " is not in the base64url alphabet"};
  }
  // RFC 7515 appendix C: one leftover character cannot encode a byte.
  if (n % 4 == 1) {
    return Error{Errc::kBase64Length, "length " + std::to_string(n) + " leaves 6 bits, which encode no byte"};
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
  return {};
}

}  // namespace detail

Result<std::string> Base64UrlDecode(std::string_view text) {
  std::string out(detail::Base64UrlDecodedSize(text.size()), '\0');
  auto decoded = detail::Base64UrlDecodeTo(text, reinterpret_cast<unsigned char*>(out.data()));
  if (!decoded) return decoded.error();
  return out;
}

}  // namespace stockroom::jose
