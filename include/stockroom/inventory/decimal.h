// Exact non-negative decimal quantities with up to 6 fraction digits, as exchanged by the
// API ("12.5", "37.4904"). No binary floating point anywhere. Value type; thread-compatible.
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace stockroom::inventory {

class Decimal {
 public:
  static constexpr int kMaxScale = 6;  // fraction digits
  // Integer digits; 10^12 - 1 units keeps every value (in millionths) inside int64 with
  // room for sums of many balances.
  static constexpr int kMaxIntegerDigits = 12;
  static constexpr std::int64_t kUnitsPerOne = 1'000'000;
  // The largest value, 999999999999.999999, in millionths. Balances and item totals stay at
  // or below it too, so every sum of two of them fits int64.
  static constexpr std::int64_t kMaxUnits = 1'000'000'000'000'000'000 - 1;

  Decimal() = default;

  enum class ParseError { kEmpty, kSyntax, kLeadingZeros, kTooManyFractionDigits, kTooLarge };
  struct ParseResult;
  // Parses plain digits with an optional '.' and 1-6 fraction digits: no sign, exponent,
  // whitespace, thousands separators or leading zeros ("0.5" and "0" are fine, "007" is not). The number of fraction digits written is kept as
  // the scale, so "25.000" formats back as "25.000".
  static ParseResult Parse(std::string_view text);

  // From a count of millionths and a display scale; REQUIRES: 0 <= units, 0 <= scale <= 6.
  static Decimal FromUnits(std::int64_t units, int scale);

  std::int64_t units() const { return units_; }  // value * 10^6
  int scale() const { return scale_; }            // fraction digits shown

  // The value with exactly scale() fraction digits.
  std::string ToString() const;

  // Compares values; scale does not matter ("2.50" == "2.5").
  friend bool operator==(const Decimal& a, const Decimal& b) { return a.units_ == b.units_; }
  friend std::strong_ordering operator<=>(const Decimal& a, const Decimal& b) {
    return a.units_ <=> b.units_;
  }

 private:
  Decimal(std::int64_t units, int scale) : units_(units), scale_(scale) {}
  std::int64_t units_ = 0;
  int scale_ = 0;
};

struct Decimal::ParseResult {
  std::optional<Decimal> value;
  ParseError error = ParseError::kEmpty;
};

std::string_view ParseErrorMessage(Decimal::ParseError error);

}  // namespace stockroom::inventory
