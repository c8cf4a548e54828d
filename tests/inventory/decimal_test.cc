#include "stockroom/inventory/decimal.h"

#include <gtest/gtest.h>

namespace stockroom::inventory {
namespace {

Decimal D(std::string_view text) {
  auto parsed = Decimal::Parse(text);
  EXPECT_TRUE(parsed.value.has_value()) << text;
  return parsed.value.value_or(Decimal());
}

Decimal::ParseError ErrorOf(std::string_view text) {
  auto parsed = Decimal::Parse(text);
  EXPECT_FALSE(parsed.value.has_value()) << text;
  return parsed.error;
}

TEST(DecimalTest, ParsesPlainDigitsExactly) {
  EXPECT_EQ(D("0").units(), 0);
  EXPECT_EQ(D("12.5").units(), 12'500'000);
  EXPECT_EQ(D("37.4904").units(), 37'490'400);
  EXPECT_EQ(D("0.000001").units(), 1);
  EXPECT_EQ(D("999999999999.999999").units(), 999'999'999'999'999'999);
}

TEST(DecimalTest, KeepsTheWrittenScale) {
  EXPECT_EQ(D("25.000").ToString(), "25.000");
  EXPECT_EQ(D("12.5").ToString(), "12.5");
  EXPECT_EQ(D("98.125").ToString(), "98.125");
  EXPECT_EQ(D("7").ToString(), "7");
  EXPECT_EQ(D("0.10").ToString(), "0.10");
}

TEST(DecimalTest, RefusesLeadingZerosSoThatTheTextIsKeptExactly) {
  for (const char* text : {"007", "00.5", "00", "0012.500", "01"}) {
    auto parsed = Decimal::Parse(text);
    EXPECT_FALSE(parsed.value) << text;
    EXPECT_EQ(parsed.error, Decimal::ParseError::kLeadingZeros) << text;
  }
  EXPECT_EQ(D("0").ToString(), "0");
  EXPECT_EQ(D("0.05").ToString(), "0.05");
  EXPECT_FALSE(Decimal::Parse(std::string(1'000'000, '0')).value);
}

TEST(DecimalTest, ComparesByValueNotScale) {
  EXPECT_EQ(D("2.50"), D("2.5"));
  EXPECT_LT(D("2.4999"), D("2.5"));
  EXPECT_GT(D("10"), D("9.999999"));
}

TEST(DecimalTest, FromUnitsShowsDigitsTheValueNeeds) {
  EXPECT_EQ(Decimal::FromUnits(1'250'000, 0).ToString(), "1.25");
  EXPECT_EQ(Decimal::FromUnits(1'000'000, 3).ToString(), "1.000");
}

TEST(DecimalTest, RejectsWhatIsNotPlainDigits) {
  EXPECT_EQ(ErrorOf(""), Decimal::ParseError::kEmpty);
  for (std::string_view bad : {"-1", "+1", "1e3", " 1", "1 ", "1,5", ".5", "5.", "1.2.3", "NaN", "0x10", "١٢"}) {
    EXPECT_EQ(ErrorOf(bad), Decimal::ParseError::kSyntax) << bad;
  }
}

TEST(DecimalTest, RejectsMoreThanSixFractionDigits) {
  EXPECT_EQ(ErrorOf("1.0000001"), Decimal::ParseError::kTooManyFractionDigits);
}

TEST(DecimalTest, RejectsValuesTooLargeToStoreExactly) {
  EXPECT_EQ(ErrorOf("1000000000000"), Decimal::ParseError::kTooLarge);
  EXPECT_EQ(ErrorOf("99999999999999999999999"), Decimal::ParseError::kTooLarge);
}

}  // namespace
}  // namespace stockroom::inventory
