// Strict RFC 8259 recursive-descent parser producing boost::json values. Thread-safe: each
// call uses its own Parser.

#include "stockroom/jose/json.h"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/string.hpp>
#include <cstdint>
#include <limits>
#include <string>
#include <system_error>

#include "json_scan.h"

namespace stockroom::jose {
namespace {

// Recursive descent over RFC 8259 s.2-7. Each Parse* method consumes one production from pos_
// and returns false after recording the first error; the caller unwinds without consuming more.
class Parser {
 public:
  explicit Parser(std::string_view text)
      : begin_(reinterpret_cast<const unsigned char*>(text.data())), pos_(begin_), end_(begin_ + text.size()) {}

  bool Run(boost::json::value& out) {
    // RFC 8259 s.8.1: implementations MUST NOT add a byte order mark; we refuse one.
    if (end_ - pos_ >= 3 && pos_[0] == 0xEF && pos_[1] == 0xBB && pos_[2] == 0xBF) {
      return Fail("byte order mark");
    }
    SkipWhitespace();
    if (pos_ == end_) return Fail("empty text");
    if (!ParseValue(out, 0)) return false;
    SkipWhitespace();
    if (pos_ != end_) return Fail("text after the JSON value");
    return true;
  }

  std::string TakeError() {
    return error_ + " at byte " + std::to_string(error_at_);
  }

 private:
  bool Fail(const char* what) {
    error_ = what;
    error_at_ = static_cast<std::size_t>(pos_ - begin_);
    return false;
  }

  // RFC 8259 s.2: ws = *( %x20 / %x09 / %x0A / %x0D )
  void SkipWhitespace() {
    while (pos_ != end_ && (*pos_ == ' ' || *pos_ == '\t' || *pos_ == '\n' || *pos_ == '\r')) ++pos_;
  }

  bool Literal(std::string_view word) {
    if (static_cast<std::size_t>(end_ - pos_) < word.size() ||
        std::string_view(reinterpret_cast<const char*>(pos_), word.size()) != word) {
      return Fail("invalid literal");
    }
    pos_ += word.size();
    return true;
  }

  bool ParseValue(boost::json::value& out, int depth) {
    if (pos_ == end_) return Fail("unexpected end of text");
    switch (*pos_) {
      case '{': return ParseObject(out, depth + 1);
      case '[': return ParseArray(out, depth + 1);
      case '"': {
        std::string text;
        if (!ParseString(text)) return false;
        out = boost::json::string(text);
        return true;
      }
      case 't':
        if (!Literal("true")) return false;
        out = true;
        return true;
      case 'f':
        if (!Literal("false")) return false;
        out = false;
        return true;
      case 'n':
        if (!Literal("null")) return false;
        out = nullptr;
        return true;
      default:
        if (*pos_ == '-' || (*pos_ >= '0' && *pos_ <= '9')) return ParseNumber(out);
        return Fail("unexpected character");  // NaN, Infinity, comments, single quotes...
    }
  }

  bool ParseObject(boost::json::value& out, int depth) {
    if (depth > kMaxJsonDepth) return Fail("nesting deeper than the limit");
    ++pos_;  // '{'
    boost::json::object& object = out.emplace_object();
    SkipWhitespace();
    if (pos_ != end_ && *pos_ == '}') {
      ++pos_;
      return true;
    }
    std::string name;
    while (true) {
      SkipWhitespace();
      if (pos_ == end_ || *pos_ != '"') return Fail("expected a member name");  // also: trailing comma
      const unsigned char* name_at = pos_;
      name.clear();
      if (!ParseString(name)) return false;
      // RFC 8259 s.4 says names SHOULD be unique; RFC 7515 s.4 / RFC 7519 s.4: reject or
      // last-wins. Compared after unescaping, so "a" and "\u0061" are the same name.
      if (object.contains(name)) {
        pos_ = name_at;
        return Fail("duplicate member name");
      }
      SkipWhitespace();
      if (pos_ == end_ || *pos_ != ':') return Fail("expected ':'");
      ++pos_;
      SkipWhitespace();
      boost::json::value member;
      if (!ParseValue(member, depth)) return false;
      object.emplace(name, std::move(member));
      SkipWhitespace();
      if (pos_ == end_) return Fail("unterminated object");
      if (*pos_ == ',') {
        ++pos_;
        continue;
      }
      if (*pos_ == '}') {
        ++pos_;
        return true;
      }
      return Fail("expected ',' or '}'");
    }
  }

  bool ParseArray(boost::json::value& out, int depth) {
    if (depth > kMaxJsonDepth) return Fail("nesting deeper than the limit");
    ++pos_;  // '['
    boost::json::array& array = out.emplace_array();
    SkipWhitespace();
    if (pos_ != end_ && *pos_ == ']') {
      ++pos_;
      return true;
    }
    while (true) {
      SkipWhitespace();
      boost::json::value element;
      if (!ParseValue(element, depth)) return false;  // also: trailing comma
      array.push_back(std::move(element));
      SkipWhitespace();
      if (pos_ == end_) return Fail("unterminated array");
      if (*pos_ == ',') {
        ++pos_;
        continue;
      }
      if (*pos_ == ']') {
        ++pos_;
        return true;
      }
      return Fail("expected ',' or ']'");
    }
  }

  static int HexDigit(unsigned char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  }

  // Reads the 4 hex digits of a \u escape at pos_.
  bool ParseHex4(std::uint32_t& unit) {
    if (end_ - pos_ < 4) return Fail("truncated \\u escape");
    unit = 0;
    for (int i = 0; i < 4; ++i) {
      const int digit = HexDigit(pos_[i]);
      if (digit < 0) return Fail("invalid \\u escape");
      unit = (unit << 4) | static_cast<std::uint32_t>(digit);
    }
    pos_ += 4;
    return true;
  }

  static void AppendUtf8(std::string& out, std::uint32_t cp) {
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

  // Length of the well-formed UTF-8 sequence at pos_ (a lead byte >= 0x80), or 0.
  // RFC 3629 s.4: no overlong forms, no surrogates (U+D800-DFFF), nothing above U+10FFFF.
  std::size_t Utf8SequenceLength() const {
    const std::size_t avail = static_cast<std::size_t>(end_ - pos_);
    const unsigned char c = pos_[0];
    auto cont = [&](std::size_t i, unsigned char lo = 0x80, unsigned char hi = 0xBF) {
      return i < avail && pos_[i] >= lo && pos_[i] <= hi;
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

  // RFC 8259 s.7. Appends the unescaped string to `out`.
  bool ParseString(std::string& out) {
    ++pos_;  // '"'
    while (true) {
      // Copy the longest run that needs no attention in one append.
      const unsigned char* run = pos_;
      while (pos_ != end_ && *pos_ >= 0x20 && *pos_ < 0x80 && *pos_ != '"' && *pos_ != '\\') ++pos_;
      out.append(reinterpret_cast<const char*>(run), static_cast<std::size_t>(pos_ - run));
      if (pos_ == end_) return Fail("unterminated string");
      const unsigned char c = *pos_;
      if (c == '"') {
        ++pos_;
        return true;
      }
      if (c < 0x20) return Fail("control character in string");
      if (c >= 0x80) {
        const std::size_t n = Utf8SequenceLength();
        if (n == 0) return Fail("invalid UTF-8");
        out.append(reinterpret_cast<const char*>(pos_), n);
        pos_ += n;
        continue;
      }
      // c == '\\'
      ++pos_;
      if (pos_ == end_) return Fail("unterminated escape");
      const unsigned char e = *pos_++;
      switch (e) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': {
          std::uint32_t unit = 0;
          if (!ParseHex4(unit)) return false;
          if (unit >= 0xDC00 && unit <= 0xDFFF) return Fail("unpaired low surrogate escape");
          if (unit >= 0xD800 && unit <= 0xDBFF) {
            // RFC 8259 s.7: a character outside the BMP is a surrogate pair of escapes.
            if (end_ - pos_ < 2 || pos_[0] != '\\' || pos_[1] != 'u') return Fail("unpaired high surrogate escape");
            pos_ += 2;
            std::uint32_t low = 0;
            if (!ParseHex4(low)) return false;
            if (low < 0xDC00 || low > 0xDFFF) return Fail("unpaired high surrogate escape");
            unit = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
          }
          AppendUtf8(out, unit);
          break;
        }
        default:
          --pos_;
          return Fail("invalid escape");
      }
    }
  }

  // RFC 8259 s.6: number = [ minus ] int [ frac ] [ exp ]
  bool ParseNumber(boost::json::value& out) {
    const unsigned char* start = pos_;
    auto digits = [&] {
      const unsigned char* from = pos_;
      while (pos_ != end_ && *pos_ >= '0' && *pos_ <= '9') ++pos_;
      return pos_ != from;
    };
    if (*pos_ == '-') ++pos_;
    if (pos_ == end_ || !(*pos_ >= '0' && *pos_ <= '9')) return Fail("invalid number");
    if (*pos_ == '0') {
      ++pos_;
      if (pos_ != end_ && *pos_ >= '0' && *pos_ <= '9') return Fail("leading zero in number");
    } else {
      digits();
    }
    if (pos_ != end_ && *pos_ == '.') {
      ++pos_;
      if (!digits()) return Fail("invalid number fraction");
    }
    if (pos_ != end_ && (*pos_ == 'e' || *pos_ == 'E')) {
      ++pos_;
      if (pos_ != end_ && (*pos_ == '+' || *pos_ == '-')) ++pos_;
      if (!digits()) return Fail("invalid number exponent");
    }
    if (static_cast<std::size_t>(pos_ - start) > kMaxJsonNumberChars) {
      pos_ = start;
      return Fail("number literal longer than the limit");
    }

    detail::JsonNumber number;
    const std::string_view literal(reinterpret_cast<const char*>(start), static_cast<std::size_t>(pos_ - start));
    if (const char* why = detail::ConvertJsonNumber(literal, number)) {
      pos_ = start;
      return Fail(why);
    }
    switch (number.type) {
      case detail::JsonNumber::Type::kInt64: out = number.int64; break;
      case detail::JsonNumber::Type::kUint64: out = number.uint64; break;
      case detail::JsonNumber::Type::kDouble: out = number.real; break;
    }
    return true;
  }

  const unsigned char* begin_;
  const unsigned char* pos_;
  const unsigned char* end_;
  std::string error_;
  std::size_t error_at_ = 0;
};

}  // namespace

Result<boost::json::value> ParseStrictJson(std::string_view text, Errc error_code) {
  Parser parser(text);
  boost::json::value value;
  if (!parser.Run(value)) return Error{error_code, parser.TakeError()};
  return value;
}

}  // namespace stockroom::jose
