// Strict JSON validation without a DOM. See json_scan.h. The grammar, the limits and the error
// messages follow json.cc's Parser production by production; tests/jose/json_scan_test.cc and
// the verify fuzzer check that both accept the same texts.

#include "json_scan.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <charconv>
#include <cmath>
#include <limits>
#include <system_error>

#include "stockroom/jose/json.h"

namespace stockroom::jose::detail {
namespace {

// Bytes inside a string: what the scanner must look at.
enum : std::uint8_t { kPlain = 0, kQuote, kBackslash, kControl, kNonAscii };

constexpr std::array<std::uint8_t, 256> MakeStringClasses() {
  std::array<std::uint8_t, 256> classes{};
  for (int c = 0; c < 256; ++c) {
    classes[c] = c < 0x20 ? kControl : c >= 0x80 ? kNonAscii : c == '"' ? kQuote : c == '\\' ? kBackslash : kPlain;
  }
  return classes;
}
constexpr std::array<std::uint8_t, 256> kStringClass = MakeStringClasses();

int HexDigit(unsigned char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void AppendUtf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// Objects with more members than this are checked for duplicate names by sorting their names
// when they close instead of comparing each new name with all earlier ones: linear for the
// small objects of real tokens, O(n log n) for the large ones an attacker can send.
constexpr std::size_t kLinearNameLimit = 16;

// Recursive descent over RFC 8259 s.2-7, one method per production as in json.cc. Each Scan*
// method takes the position of the first byte of its production and returns the position just
// after it, or nullptr after recording the first error. Positions travel in registers rather
// than in a member: reads through unsigned char pointers may alias any member, so a member
// position would be reloaded and stored around every byte.
class Scanner {
 public:
  Scanner(std::string_view text, JsonMembers& members)
      : begin_(reinterpret_cast<const unsigned char*>(text.data())),
        end_(begin_ + text.size()),
        members_(members),
        text_size_(text.size()) {}

  // The fast path, then (when it does not apply) the general one.
  bool Run(JsonKind& kind, bool allow_flat) {
    if (allow_flat && ScanFlat()) {
      kind = JsonKind::kObject;
      return true;
    }
    members_.clear();
    return RunGeneral(kind);
  }

  bool RunGeneral(JsonKind& kind) {
    const unsigned char* p = begin_;
    const unsigned char* const end = end_;
    // RFC 8259 s.8.1: no byte order mark.
    if (end - p >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF) return Failed(p, "byte order mark");
    p = SkipWhitespace(p, end);
    if (p == end) return Failed(p, "empty text");
    bool escaped = false;
    p = ScanValue(p, 0, kind, escaped);
    if (p == nullptr) return false;
    p = SkipWhitespace(p, end);
    if (p != end) return Failed(p, "text after the JSON value");
    return true;
  }

  std::string TakeError() const { return std::string(error_) + " at byte " + std::to_string(error_at_); }

 private:
  // ---- The flat fast path ----------------------------------------------------------------
  //
  // Typical headers and claims sets are flat objects of strings, numbers and literals (and
  // arrays of those, such as "aud"), in printable ASCII without escapes or whitespace outside
  // strings. Their strings need no decoding and no UTF-8 check: a string is the bytes up to the
  // next quote when none of them is a backslash, a control character or outside ASCII (which
  // SkipPlain finds eight at a time). ScanFlat returns true when it has scanned the whole text and
  // found it valid, with members_ exactly as the general path would fill it; it returns false,
  // deciding nothing, for anything else, valid or not: the general path then starts over and
  // gives the verdict (and the error message).

  // A string, number or literal at `p` (not the end), or nullptr when it is none or not one
  // the fast path takes. Sets `kind`, and `integer` as JsonMember::integer describes it.
  const unsigned char* FlatScalar(const unsigned char* p, JsonKind& kind, std::int64_t& integer) {
    const unsigned char* const end = end_;
    switch (*p) {
      case '"': {
        kind = JsonKind::kString;
        const unsigned char* q = SkipPlain(p + 1, end);
        return q != end && *q == '"' ? q + 1 : nullptr;
      }
      case 't':
        kind = JsonKind::kTrue;
        return end - p >= 4 && std::memcmp(p, "true", 4) == 0 ? p + 4 : nullptr;
      case 'f':
        kind = JsonKind::kFalse;
        return end - p >= 5 && std::memcmp(p, "false", 5) == 0 ? p + 5 : nullptr;
      case 'n':
        kind = JsonKind::kNull;
        return end - p >= 4 && std::memcmp(p, "null", 4) == 0 ? p + 4 : nullptr;
      default:
        kind = JsonKind::kNumber;
        if (*p == '-' || (*p >= '0' && *p <= '9')) return ScanNumber(p, integer);
        return nullptr;
    }
  }

  bool ScanFlat() {
    const unsigned char* p = begin_;
    const unsigned char* const end = end_;
    if (p == end || *p != '{') return false;
    ++p;
    if (p != end && *p == '}') return p + 1 == end;
    while (true) {
      if (p == end || *p != '"' || members_.size() >= kLinearNameLimit) return false;
      const unsigned char* name = p + 1;
      const unsigned char* name_end = SkipPlain(name, end);
      if (name_end == end || *name_end != '"') return false;
      const std::size_t name_size = static_cast<std::size_t>(name_end - name);
      const std::string_view name_text(reinterpret_cast<const char*>(name), name_size);
      const std::uint64_t key = Key(name_text, true);
      for (const JsonMember& m : members_) {
        if (m.name_key == key && (name_size <= kNameKeyBytes || m.RawName(Text()) == name_text)) return false;
      }
      p = name_end + 1;
      if (p == end || *p != ':') return false;
      ++p;
      if (p == end) return false;
      const unsigned char* value = p;
      JsonKind kind = JsonKind::kNull;
      std::int64_t integer = -1;
      if (*p == '[') {  // an array of scalars
        kind = JsonKind::kArray;
        ++p;
        if (p != end && *p == ']') {
          ++p;
        } else {
          while (true) {
            JsonKind element = JsonKind::kNull;
            std::int64_t ignored = -1;
            if (p == end || (p = FlatScalar(p, element, ignored)) == nullptr || p == end) return false;
            if (*p == ']') {
              ++p;
              break;
            }
            if (*p != ',') return false;
            ++p;
          }
        }
      } else if ((p = FlatScalar(p, kind, integer)) == nullptr) {
        return false;
      }
      const bool is_string = kind == JsonKind::kString;
      const unsigned char* raw_value = is_string ? value + 1 : value;
      const unsigned char* raw_end = is_string ? p - 1 : p;
      JsonMember& member = members_.Append();
      member.name_key = key;
      member.name_at = static_cast<std::uint32_t>(name - begin_);
      member.name_size = static_cast<std::uint32_t>(name_size);
      member.value_at = static_cast<std::uint32_t>(raw_value - begin_);
      member.value_size = static_cast<std::uint32_t>(raw_end - raw_value);
      member.integer = integer;
      member.kind = kind;
      member.name_escaped = false;
      member.value_escaped = false;
      if (p == end) return false;
      if (*p == ',') {
        ++p;
        continue;
      }
      return *p == '}' && p + 1 == end;
    }
  }

  std::string_view Text() const {
    return std::string_view(reinterpret_cast<const char*>(begin_), static_cast<std::size_t>(end_ - begin_));
  }

  // ---- The general path --------------------------------------------------------------------

  struct Name {
    std::uint64_t key;
    std::string_view text;
    bool operator==(const Name& other) const {
      return key == other.key && (text.size() <= kNameKeyBytes || text == other.text);
    }
    bool operator<(const Name& other) const { return key != other.key ? key < other.key : text < other.text; }
  };

  // Records the first error and returns nullptr (Failed: false).
  std::nullptr_t Fail(const unsigned char* at, const char* what) {
    error_ = what;
    error_at_ = static_cast<std::size_t>(at - begin_);
    return nullptr;
  }
  bool Failed(const unsigned char* at, const char* what) {
    Fail(at, what);
    return false;
  }

  // RFC 8259 s.2: ws = *( %x20 / %x09 / %x0A / %x0D )
  __attribute__((always_inline)) static const unsigned char* SkipWhitespace(const unsigned char* p,
                                                                            const unsigned char* end) {
    if (p != end && *p > ' ') return p;  // the usual case: no whitespace at all
    while (p != end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')) ++p;
    return p;
  }

  const unsigned char* Literal(const unsigned char* p, std::string_view word) {
    if (static_cast<std::size_t>(end_ - p) < word.size() ||
        std::string_view(reinterpret_cast<const char*>(p), word.size()) != word) {
      return Fail(p, "invalid literal");
    }
    return p + word.size();
  }

  // Any value at `p` (which is not the end); `escaped` tells whether a string held an escape.
  const unsigned char* ScanValue(const unsigned char* p, int depth, JsonKind& kind, bool& escaped) {
    switch (*p) {
      case '{': kind = JsonKind::kObject; return ScanObject(p, depth + 1);
      case '[': kind = JsonKind::kArray; return ScanArray(p, depth + 1);
      case '"': kind = JsonKind::kString; return ScanString(p, escaped);
      case 't': kind = JsonKind::kTrue; return Literal(p, "true");
      case 'f': kind = JsonKind::kFalse; return Literal(p, "false");
      case 'n': kind = JsonKind::kNull; return Literal(p, "null");
      default:
        kind = JsonKind::kNumber;
        if (*p == '-' || (*p >= '0' && *p <= '9')) return ScanNumber(p);
        return Fail(p, "unexpected character");  // NaN, Infinity, comments, single quotes...
    }
  }

  // The name at `raw`, unescaped if needed. Names with escapes are written to arena_, which is
  // reserved once to the text's size: unescaping never lengthens a string, so it never
  // reallocates and earlier views stay valid.
  std::string_view NameText(const unsigned char* raw, std::size_t size, bool escaped) {
    const std::string_view text(reinterpret_cast<const char*>(raw), size);
    if (!escaped) return text;
    if (arena_.capacity() < text_size_) arena_.reserve(text_size_);
    const std::size_t at = arena_.size();
    AppendUnescaped(text, arena_);
    return std::string_view(arena_).substr(at);
  }

  // NameKey(text), reading the first bytes at once when `text` lies in the scanned text
  // (`in_text`; else in arena_) with eight bytes to spare.
  std::uint64_t Key(std::string_view text, bool in_text) const {
    if constexpr (std::endian::native == std::endian::little) {
      const auto* p = reinterpret_cast<const unsigned char*>(text.data());
      if (in_text && end_ - p >= 8) {
        std::uint64_t w;
        std::memcpy(&w, p, 8);
        const std::size_t n = text.size() < kNameKeyBytes ? text.size() : kNameKeyBytes;
        w &= n == 0 ? 0 : ~std::uint64_t{0} >> (64 - 8 * n);
        return w | static_cast<std::uint64_t>(text.size() < 255 ? text.size() : 255) << 56;
      }
    }
    return NameKey(text);
  }

  const unsigned char* ScanObject(const unsigned char* p, int depth) {
    const unsigned char* const end = end_;
    if (depth > kMaxJsonDepth) return Fail(p, "nesting deeper than the limit");
    p = SkipWhitespace(p + 1, end);  // after '{'
    if (p != end && *p == '}') return p + 1;
    const std::size_t frame = names_.size();  // this object's names are names_[frame, ...)
    while (true) {
      p = SkipWhitespace(p, end);
      if (p == end || *p != '"') return Fail(p, "expected a member name");  // also: trailing comma
      const unsigned char* name_quote = p;
      bool name_escaped = false;
      p = ScanString(p, name_escaped);
      if (p == nullptr) return nullptr;
      const unsigned char* name_raw = name_quote + 1;
      const std::size_t name_size = static_cast<std::size_t>(p - 1 - name_raw);
      const std::string_view text = NameText(name_raw, name_size, name_escaped);
      const Name name{Key(text, !name_escaped), text};
      // Duplicate names are refused at any depth, compared after unescaping (json.h).
      const std::size_t count = names_.size() - frame;
      if (count < kLinearNameLimit) {
        const Name* names = names_.data() + frame;
        for (std::size_t i = 0; i < count; ++i) {
          if (names[i] == name) return Fail(name_quote, "duplicate member name");
        }
      }
      Name& pushed = names_.Append();  // in place, as members_ below
      pushed.key = name.key;
      pushed.text = name.text;
      p = SkipWhitespace(p, end);
      if (p == end || *p != ':') return Fail(p, "expected ':'");
      p = SkipWhitespace(p + 1, end);
      if (p == end) return Fail(p, "unexpected end of text");
      const unsigned char* value_at = p;
      JsonKind kind = JsonKind::kNull;
      bool value_escaped = false;
      std::int64_t integer = -1;
      // Strings and numbers inline; containers, literals and errors through ScanValue.
      if (*p == '"') {
        kind = JsonKind::kString;
        p = ScanString(p, value_escaped);
      } else if ((*p >= '0' && *p <= '9') || *p == '-') {
        kind = JsonKind::kNumber;
        p = ScanNumber(p, integer);
      } else {
        p = ScanValue(p, depth, kind, value_escaped);
      }
      if (p == nullptr) return nullptr;
      if (depth == 1) {  // a member of the top-level object
        const bool is_string = kind == JsonKind::kString;
        const unsigned char* raw_value = is_string ? value_at + 1 : value_at;
        const unsigned char* raw_end = is_string ? p - 1 : p;
        JsonMember& member = members_.Append();
        member.name_key = name.key;
        member.name_at = static_cast<std::uint32_t>(name_raw - begin_);
        member.name_size = static_cast<std::uint32_t>(name_size);
        member.value_at = static_cast<std::uint32_t>(raw_value - begin_);
        member.value_size = static_cast<std::uint32_t>(raw_end - raw_value);
        member.integer = integer;
        member.kind = kind;
        member.name_escaped = name_escaped;
        member.value_escaped = value_escaped;
      }
      p = SkipWhitespace(p, end);
      if (p == end) return Fail(p, "unterminated object");
      if (*p == ',') {
        ++p;
        continue;
      }
      if (*p == '}') {
        if (names_.size() - frame > kLinearNameLimit) {
          Name* first = names_.data() + frame;
          Name* last = names_.data() + names_.size();
          std::sort(first, last);
          if (std::adjacent_find(first, last) != last) return Fail(p, "duplicate member name");
        }
        names_.truncate(frame);
        return p + 1;
      }
      return Fail(p, "expected ',' or '}'");
    }
  }

  const unsigned char* ScanArray(const unsigned char* p, int depth) {
    const unsigned char* const end = end_;
    if (depth > kMaxJsonDepth) return Fail(p, "nesting deeper than the limit");
    p = SkipWhitespace(p + 1, end);  // after '['
    if (p != end && *p == ']') return p + 1;
    while (true) {
      p = SkipWhitespace(p, end);
      if (p == end) return Fail(p, "unexpected end of text");
      JsonKind kind = JsonKind::kNull;
      bool escaped = false;
      p = ScanValue(p, depth, kind, escaped);  // also: trailing comma
      if (p == nullptr) return nullptr;
      p = SkipWhitespace(p, end);
      if (p == end) return Fail(p, "unterminated array");
      if (*p == ',') {
        ++p;
        continue;
      }
      if (*p == ']') return p + 1;
      return Fail(p, "expected ',' or ']'");
    }
  }

  // The 4 hex digits of a \u escape at `p`, or nullptr.
  const unsigned char* ScanHex4(const unsigned char* p, std::uint32_t& unit) {
    if (end_ - p < 4) return Fail(p, "truncated \\u escape");
    unit = 0;
    for (int i = 0; i < 4; ++i) {
      const int digit = HexDigit(p[i]);
      if (digit < 0) return Fail(p, "invalid \\u escape");
      unit = (unit << 4) | static_cast<std::uint32_t>(digit);
    }
    return p + 4;
  }

  // Length of the well-formed UTF-8 sequence at `p` (a lead byte >= 0x80), or 0.
  // RFC 3629 s.4: no overlong forms, no surrogates (U+D800-DFFF), nothing above U+10FFFF.
  std::size_t Utf8SequenceLength(const unsigned char* p) const {
    const std::size_t avail = static_cast<std::size_t>(end_ - p);
    const unsigned char c = p[0];
    auto cont = [&](std::size_t i, unsigned char lo = 0x80, unsigned char hi = 0xBF) {
      return i < avail && p[i] >= lo && p[i] <= hi;
    };
    if (c >= 0xC2 && c <= 0xDF) return cont(1) ? 2 : 0;
    if (c == 0xE0) return cont(1, 0xA0) && cont(2) ? 3 : 0;
    if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF) return cont(1) && cont(2) ? 3 : 0;
    if (c == 0xED) return cont(1, 0x80, 0x9F) && cont(2) ? 3 : 0;
    if (c == 0xF0) return cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0;
    if (c >= 0xF1 && c <= 0xF3) return cont(1) && cont(2) && cont(3) ? 4 : 0;
    if (c == 0xF4) return cont(1, 0x80, 0x8F) && cont(2) && cont(3) ? 4 : 0;
    return 0;
  }

  // The first byte from `p` that is a quote, a backslash, a control character or not ASCII, or
  // `end`. Eight bytes at a time while eight remain (SWAR: bit 7 of a byte is set for a byte
  // < 0x20, since subtracting 0x20 borrows and its own bit 7 is clear; for a quote or
  // backslash, whose xor is zero so that subtracting 1 borrows; for a byte >= 0x80. Borrows only
  // spread upwards from a flagged byte, so the lowest flag is exact.)
  __attribute__((always_inline)) static const unsigned char* SkipPlain(const unsigned char* p,
                                                                       const unsigned char* end) {
    if constexpr (std::endian::native == std::endian::little) {
      constexpr std::uint64_t kOnes = 0x0101010101010101ull;
      constexpr std::uint64_t kHigh = 0x8080808080808080ull;
      while (end - p >= 8) {
        std::uint64_t w;
        std::memcpy(&w, p, 8);
        const std::uint64_t quote = w ^ (kOnes * '"');
        const std::uint64_t backslash = w ^ (kOnes * '\\');
        const std::uint64_t flagged = (((w - kOnes * 0x20) & ~w) | ((quote - kOnes) & ~quote) |
                                       ((backslash - kOnes) & ~backslash) | w) & kHigh;
        if (flagged != 0) return p + static_cast<unsigned>(std::countr_zero(flagged)) / 8;
        p += 8;
      }
    }
    while (p != end && kStringClass[*p] == kPlain) ++p;
    return p;
  }

  // RFC 8259 s.7, from the opening quote at `p`. The usual string, ASCII without escapes,
  // inline; anything else continues out of line.
  __attribute__((always_inline)) const unsigned char* ScanString(const unsigned char* p, bool& escaped) {
    p = SkipPlain(p + 1, end_);
    if (p != end_ && *p == '"') return p + 1;
    return ScanStringRest(p, escaped);
  }

  // ScanString from `p`, inside the string, at a byte that needs attention (or the end).
  __attribute__((noinline)) const unsigned char* ScanStringRest(const unsigned char* p, bool& escaped) {
    const unsigned char* const end = end_;
    while (true) {
      p = SkipPlain(p, end);
      if (p == end) return Fail(p, "unterminated string");
      switch (kStringClass[*p]) {
        case kQuote:
          return p + 1;
        case kControl:
          return Fail(p, "control character in string");
        case kNonAscii: {
          const std::size_t n = Utf8SequenceLength(p);
          if (n == 0) return Fail(p, "invalid UTF-8");
          p += n;
          break;
        }
        default: {  // kBackslash
          escaped = true;
          ++p;
          if (p == end) return Fail(p, "unterminated escape");
          const unsigned char e = *p++;
          switch (e) {
            case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
              break;
            case 'u': {
              std::uint32_t unit = 0;
              p = ScanHex4(p, unit);
              if (p == nullptr) return nullptr;
              if (unit >= 0xDC00 && unit <= 0xDFFF) return Fail(p, "unpaired low surrogate escape");
              if (unit >= 0xD800 && unit <= 0xDBFF) {
                // RFC 8259 s.7: a character outside the BMP is a surrogate pair of escapes.
                if (end - p < 2 || p[0] != '\\' || p[1] != 'u') return Fail(p, "unpaired high surrogate escape");
                std::uint32_t low = 0;
                p = ScanHex4(p + 2, low);
                if (p == nullptr) return nullptr;
                if (low < 0xDC00 || low > 0xDFFF) return Fail(p, "unpaired high surrogate escape");
              }
              break;
            }
            default:
              return Fail(p - 1, "invalid escape");
          }
          break;
        }
      }
    }
  }

  // RFC 8259 s.6: number = [ minus ] int [ frac ] [ exp ]. The usual number, an integer not
  // starting with 0 and followed by a delimiter, inline; anything else out of line.
  __attribute__((always_inline)) const unsigned char* ScanNumber(const unsigned char* start) {
    std::int64_t integer = -1;
    return ScanNumber(start, integer);
  }
  // ScanNumber, and `integer` as JsonMember::integer describes it.
  __attribute__((always_inline)) const unsigned char* ScanNumber(const unsigned char* start, std::int64_t& integer) {
    const unsigned char* const end = end_;
    const unsigned char* p = start + (*start == '-' ? 1 : 0);
    integer = -1;
    if (p != end && *p >= '1' && *p <= '9') {
      // The value of up to 18 digits (below 10^18: no overflow), then any further digits.
      std::int64_t value = *p++ - '0';
      const unsigned char* const limit = end - p > 17 ? p + 17 : end;
      while (p != limit && *p >= '0' && *p <= '9') value = value * 10 + (*p++ - '0');
      const unsigned char* const value_end = p;
      while (p != end && *p >= '0' && *p <= '9') ++p;
      if ((p == end || (*p != '.' && *p != 'e' && *p != 'E')) &&
          static_cast<std::size_t>(p - start) <= kMaxJsonNumberChars) {
        if (*start != '-' && p == value_end) integer = value;
        return p;
      }
    }
    return ScanNumberRest(start);
  }

  __attribute__((noinline)) const unsigned char* ScanNumberRest(const unsigned char* start) {
    const unsigned char* const end = end_;
    const unsigned char* p = start;
    auto digits = [&] {
      const unsigned char* from = p;
      while (p != end && *p >= '0' && *p <= '9') ++p;
      return p != from;
    };
    if (*p == '-') ++p;
    if (p == end || !(*p >= '0' && *p <= '9')) return Fail(p, "invalid number");
    if (*p == '0') {
      ++p;
      if (p != end && *p >= '0' && *p <= '9') return Fail(p, "leading zero in number");
    } else {
      digits();
    }
    bool integer = true;
    if (p != end && *p == '.') {
      ++p;
      if (!digits()) return Fail(p, "invalid number fraction");
      integer = false;
    }
    if (p != end && (*p == 'e' || *p == 'E')) {
      ++p;
      if (p != end && (*p == '+' || *p == '-')) ++p;
      if (!digits()) return Fail(p, "invalid number exponent");
      integer = false;
    }
    if (static_cast<std::size_t>(p - start) > kMaxJsonNumberChars) {
      return Fail(start, "number literal longer than the limit");
    }
    // An integer literal of at most kMaxJsonNumberChars characters is below 1e64: it always
    // converts. Fractions and exponents may overflow a double, which is refused.
    if (!integer) {
      JsonNumber number;
      const std::string_view literal(reinterpret_cast<const char*>(start), static_cast<std::size_t>(p - start));
      if (const char* why = ConvertJsonNumber(literal, number)) return Fail(start, why);
    }
    return p;
  }

  const unsigned char* const begin_;
  const unsigned char* const end_;
  JsonMembers& members_;
  const std::size_t text_size_;
  SmallVector<Name, 32> names_;  // the names of every open object, outermost first
  std::string arena_;            // unescaped names
  const char* error_ = "";
  std::size_t error_at_ = 0;
};

// Skips one value of validated JSON text at `p`; returns the position after it.
const char* SkipValidatedValue(const char* p, const char* end) {
  if (*p == '"') {
    ++p;
    while (*p != '"') p += *p == '\\' ? 2 : 1;
    return p + 1;
  }
  if (*p == '{' || *p == '[') {
    int depth = 0;
    for (; p != end; ++p) {
      if (*p == '"') {
        p = SkipValidatedValue(p, end) - 1;
      } else if (*p == '{' || *p == '[') {
        ++depth;
      } else if (*p == '}' || *p == ']') {
        if (--depth == 0) return p + 1;
      }
    }
    return end;
  }
  while (p != end && *p != ',' && *p != ']' && *p != '}' && *p != ' ' && *p != '\t' && *p != '\n' && *p != '\r') ++p;
  return p;
}

const char* SkipValidatedWhitespace(const char* p, const char* end) {
  while (p != end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')) ++p;
  return p;
}

}  // namespace

Result<void> ScanStrictJson(std::string_view text, Errc error_code, JsonKind& kind, JsonMembers& members,
                            bool allow_flat) {
  members.clear();
  if (text.size() > std::numeric_limits<std::uint32_t>::max()) return Error{error_code, "text longer than 4 GiB"};
  Scanner scanner(text, members);
  if (!scanner.Run(kind, allow_flat)) return Error{error_code, scanner.TakeError()};
  return {};
}

void AppendUnescaped(std::string_view raw, std::string& out) {
  const char* p = raw.data();
  const char* end = p + raw.size();
  while (p != end) {
    const char* run = p;
    while (p != end && *p != '\\') ++p;
    out.append(run, static_cast<std::size_t>(p - run));
    if (p == end) break;
    ++p;  // '\\'
    const char e = *p++;
    switch (e) {
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case 't': out += '\t'; break;
      case 'u': {
        auto hex4 = [&] {
          std::uint32_t unit = 0;
          for (int i = 0; i < 4; ++i) unit = (unit << 4) | static_cast<std::uint32_t>(HexDigit(static_cast<unsigned char>(*p++)));
          return unit;
        };
        std::uint32_t unit = hex4();
        if (unit >= 0xD800 && unit <= 0xDBFF) {
          p += 2;  // "\\u" of the low surrogate, which validation guaranteed
          const std::uint32_t low = hex4();
          unit = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
        }
        AppendUtf8(out, unit);
        break;
      }
      default: out += e; break;  // '"', '\\', '/'
    }
  }
}

bool MemberNameIs(std::string_view text, const JsonMember& member, std::string_view name) {
  if (member.name_key != NameKey(name)) return false;
  if (name.size() <= kNameKeyBytes) return true;
  const std::string_view raw = member.RawName(text);
  if (!member.name_escaped) return raw == name;
  if (raw.size() < name.size()) return false;  // unescaping never lengthens
  std::string scratch;
  AppendUnescaped(raw, scratch);
  return scratch == name;
}

const JsonMember* FindMember(std::string_view text, const JsonMember* begin, const JsonMember* end,
                             std::string_view name, std::uint64_t key) {
  for (const JsonMember* m = begin; m != end; ++m) {
    if (m->name_key != key) continue;
    if (name.size() <= kNameKeyBytes || MemberNameIs(text, *m, name)) return m;
  }
  return nullptr;
}

const char* ConvertJsonNumber(std::string_view literal, JsonNumber& out) {
  const char* first = literal.data();
  const char* last = first + literal.size();
  const bool negative = !literal.empty() && literal[0] == '-';
  const char* digits = first + (negative ? 1 : 0);
  // The usual case in one pass: an integer of at most 18 digits, below 10^18, fits an int64.
  if (last - digits <= 18) {
    std::int64_t magnitude = 0;
    const char* p = digits;
    if constexpr (std::endian::native == std::endian::little) {
      // Eight digits at once (SWAR), when they are eight digits.
      if (last - p >= 8) {
        std::uint64_t w;
        std::memcpy(&w, p, 8);
        if ((((w & 0xF0F0F0F0F0F0F0F0ull) | (((w + 0x0606060606060606ull) & 0xF0F0F0F0F0F0F0F0ull) >> 4))) ==
            0x3333333333333333ull) {
          w = ((w & 0x0F0F0F0F0F0F0F0Full) * 2561) >> 8;
          w = ((w & 0x00FF00FF00FF00FFull) * 6553601) >> 16;
          magnitude = static_cast<std::int64_t>(((w & 0x0000FFFF0000FFFFull) * 42949672960001ull) >> 32);
          p += 8;
        }
      }
    }
    for (; p != last; ++p) {
      const unsigned d = static_cast<unsigned char>(*p) - static_cast<unsigned>('0');
      if (d > 9) break;
      magnitude = magnitude * 10 + static_cast<std::int64_t>(d);
    }
    if (p == last) {
      out.type = JsonNumber::Type::kInt64;
      out.int64 = negative ? -magnitude : magnitude;
      return nullptr;
    }
  }
  const char* int_end = digits;
  while (int_end != last && *int_end >= '0' && *int_end <= '9') ++int_end;
  const bool integer = int_end == last;
  if (integer) {
    std::uint64_t magnitude = 0;
    bool fits = true;
    for (const char* p = first + (negative ? 1 : 0); p != int_end; ++p) {
      const unsigned d = static_cast<unsigned>(*p - '0');
      if (magnitude > (std::numeric_limits<std::uint64_t>::max() - d) / 10) {
        fits = false;
        break;
      }
      magnitude = magnitude * 10 + d;
    }
    if (fits && !negative && magnitude <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
      out.type = JsonNumber::Type::kInt64;
      out.int64 = static_cast<std::int64_t>(magnitude);
      return nullptr;
    }
    if (fits && !negative) {
      out.type = JsonNumber::Type::kUint64;
      out.uint64 = magnitude;
      return nullptr;
    }
    if (fits && magnitude <= std::uint64_t{1} << 63) {
      // Two's complement: -(2^63) is representable although 2^63 is not.
      out.type = JsonNumber::Type::kInt64;
      out.int64 = static_cast<std::int64_t>(~magnitude + 1);
      return nullptr;
    }
  }
  const std::string_view exponent_part = literal.substr(literal.find_first_of("eE") == std::string_view::npos
                                                            ? literal.size()
                                                            : literal.find_first_of("eE"));
  const bool negative_exponent = exponent_part.size() > 1 && exponent_part[1] == '-';
  double number = 0;
  const auto [ptr, ec] = std::from_chars(first, last, number);
  if (ec == std::errc::result_out_of_range) {
    // With at most kMaxJsonNumberChars digits the mantissa lies in [1e-64, 1e64], so a range
    // error with a negative exponent is an underflow (a finite double: zero) and any other
    // one an overflow to infinity, which is refused.
    if (!negative_exponent) return "number overflows a double";
    number = negative ? -0.0 : 0.0;
  } else if (ec != std::errc() || ptr != last || !std::isfinite(number)) {
    return "invalid number";
  }
  out.type = JsonNumber::Type::kDouble;
  out.real = number;
  return nullptr;
}

JsonArrayReader::JsonArrayReader(std::string_view array_text)
    : pos_(array_text.data() + 1), end_(array_text.data() + array_text.size() - 1) {}

bool JsonArrayReader::Next(JsonKind& kind, std::string_view& raw, bool& escaped) {
  pos_ = SkipValidatedWhitespace(pos_, end_);
  if (pos_ != end_ && *pos_ == ',') pos_ = SkipValidatedWhitespace(pos_ + 1, end_);
  if (pos_ == end_) return false;
  const char* start = pos_;
  pos_ = SkipValidatedValue(pos_, end_);
  escaped = false;
  switch (*start) {
    case '"':
      kind = JsonKind::kString;
      raw = std::string_view(start + 1, static_cast<std::size_t>(pos_ - start - 2));
      escaped = raw.find('\\') != std::string_view::npos;
      return true;
    case '{': kind = JsonKind::kObject; break;
    case '[': kind = JsonKind::kArray; break;
    case 't': kind = JsonKind::kTrue; break;
    case 'f': kind = JsonKind::kFalse; break;
    case 'n': kind = JsonKind::kNull; break;
    default: kind = JsonKind::kNumber; break;
  }
  raw = std::string_view(start, static_cast<std::size_t>(pos_ - start));
  return true;
}

}  // namespace stockroom::jose::detail
