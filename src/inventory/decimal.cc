#include "stockroom/inventory/decimal.h"

#include <cassert>

namespace stockroom::inventory {

Decimal::ParseResult Decimal::Parse(std::string_view text) {
  ParseResult result;
  if (text.empty()) {
    result.error = ParseError::kEmpty;
    return result;
  }
  const auto dot = text.find('.');
  std::string_view integer = text.substr(0, dot);
  std::string_view fraction = dot == std::string_view::npos ? std::string_view() : text.substr(dot + 1);
  auto all_digits = [](std::string_view s) {
    for (char c : s) {
      if (c < '0' || c > '9') return false;
    }
    return true;
  };
  if (integer.empty() || !all_digits(integer) || !all_digits(fraction) ||
      (dot != std::string_view::npos && fraction.empty())) {
    result.error = ParseError::kSyntax;
    return result;
  }
  if (fraction.size() > static_cast<size_t>(kMaxScale)) {
    result.error = ParseError::kTooManyFractionDigits;
    return result;
  }
  if (integer.size() > 1 && integer.front() == '0') {
    result.error = ParseError::kLeadingZeros;
    return result;
  }
  if (integer.size() > static_cast<size_t>(kMaxIntegerDigits)) {
    result.error = ParseError::kTooLarge;
    return result;
  }
  std::int64_t units = 0;
  for (char c : integer) units = units * 10 + (c - '0');
  std::int64_t frac_units = 0;
  for (size_t i = 0; i < static_cast<size_t>(kMaxScale); ++i) {
    frac_units = frac_units * 10 + (i < fraction.size() ? fraction[i] - '0' : 0);
  }
  result.value = Decimal(units * kUnitsPerOne + frac_units, static_cast<int>(fraction.size()));
  return result;
}

Decimal Decimal::FromUnits(std::int64_t units, int scale) {
  assert(units >= 0 && scale >= 0 && scale <= kMaxScale);
  return Decimal(units, scale);
}

std::string Decimal::ToString() const {
  std::string out = std::to_string(units_ / kUnitsPerOne);
  std::int64_t fraction = units_ % kUnitsPerOne;
  // Show at least scale_ digits, and more if the value needs them (a sum of finer values).
  std::string digits = std::to_string(fraction + kUnitsPerOne).substr(1);  // 6 digits
  size_t needed = digits.find_last_not_of('0');
  size_t shown = std::max<size_t>(static_cast<size_t>(scale_), needed == std::string::npos ? 0 : needed + 1);
  if (shown > 0) {
    out.push_back('.');
    out.append(digits, 0, shown);
  }
  return out;
}

std::string_view ParseErrorMessage(Decimal::ParseError error) {
  switch (error) {
    case Decimal::ParseError::kEmpty:
      return "must not be empty";
    case Decimal::ParseError::kSyntax:
      return "must be a decimal string of plain digits with an optional fraction, like \"12.5\"";
    case Decimal::ParseError::kLeadingZeros:
      return "must not have leading zeros";
    case Decimal::ParseError::kTooManyFractionDigits:
      return "must have at most 6 fraction digits";
    case Decimal::ParseError::kTooLarge:
      return "must be below 1000000000000";
  }
  return "is not a valid decimal";
}

}  // namespace stockroom::inventory
