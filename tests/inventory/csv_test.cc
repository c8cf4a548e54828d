#include "stockroom/inventory/csv.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <fstream>
#include <random>
#include <sstream>

namespace stockroom::inventory {
namespace {

using Rows = std::vector<std::vector<std::string>>;

struct Parsed {
  Rows rows;
  std::vector<std::size_t> lines;  // where each record starts
  std::optional<CsvError> error;
};

Parsed ReadAll(std::string_view text, CsvOptions options = {}) {
  Parsed parsed;
  CsvReader reader(text, options);
  CsvRecord record;
  while (reader.Next(&record)) {
    parsed.rows.push_back(record.fields);
    parsed.lines.push_back(record.line);
  }
  parsed.error = reader.error();
  return parsed;
}

Rows RowsOf(std::string_view text) {
  Parsed parsed = ReadAll(text);
  EXPECT_FALSE(parsed.error) << parsed.error->ToString();
  return parsed.rows;
}

CsvError ErrorOf(std::string_view text, CsvOptions options = {}) {
  Parsed parsed = ReadAll(text, options);
  EXPECT_TRUE(parsed.error.has_value()) << text;
  return parsed.error.value_or(CsvError{});
}

std::string ReadSharedFile(const std::string& name) {
  const std::string path = std::string(STOCKROOM_SHARED_DIR) + "/data/" + name;
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in) << "cannot open " << path;
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::size_t NewlinesIn(const std::vector<std::string>& fields) {
  std::size_t count = 0;
  for (const std::string& field : fields) count += std::count(field.begin(), field.end(), '\n');
  return count;
}

TEST(CsvReaderTest, ReadsPlainAndQuotedFields) {
  EXPECT_EQ(RowsOf("sku,name\r\nA-1,Bolt\r\n"), (Rows{{"sku", "name"}, {"A-1", "Bolt"}}));
  EXPECT_EQ(RowsOf("\"a,b\",\"say \"\"hi\"\"\",\"\",x\n"), (Rows{{"a,b", "say \"hi\"", "", "x"}}));
  EXPECT_EQ(RowsOf("\"\"\"\"\n"), (Rows{{"\""}}));
  EXPECT_EQ(RowsOf(",,\n"), (Rows{{"", "", ""}}));
  EXPECT_EQ(RowsOf("a,\n"), (Rows{{"a", ""}}));
  // Nothing is trimmed; tabs and other control characters but NUL are data.
  EXPECT_EQ(RowsOf(" a , b\t\n"), (Rows{{" a ", " b\t"}}));
  EXPECT_EQ(RowsOf("\"  \",\x01\n"), (Rows{{"  ", "\x01"}}));
}

TEST(CsvReaderTest, QuotedLineBreaksAreDataAndMoveTheNextRecordsLine) {
  const Parsed parsed = ReadAll("a,\"x\r\ny\"\r\nb,\"1\n2\n\n3\"\nc,d\n\"\ne\",f\ng\n");
  ASSERT_FALSE(parsed.error);
  EXPECT_EQ(parsed.rows, (Rows{{"a", "x\r\ny"}, {"b", "1\n2\n\n3"}, {"c", "d"}, {"\ne", "f"}, {"g"}}));
  EXPECT_EQ(parsed.lines, (std::vector<std::size_t>{1, 3, 7, 8, 10}));
}

TEST(CsvReaderTest, LoneCarriageReturnInsideQuotesIsDataAndNoLineBreak) {
  const Parsed parsed = ReadAll("\"a\rb\",\"\r\"\nnext\n");
  ASSERT_FALSE(parsed.error);
  EXPECT_EQ(parsed.rows, (Rows{{"a\rb", "\r"}, {"next"}}));
  EXPECT_EQ(parsed.lines, (std::vector<std::size_t>{1, 2}));
}

TEST(CsvReaderTest, SkipsOneByteOrderMarkAtTheStartOnly) {
  EXPECT_EQ(RowsOf("\xEF\xBB\xBFsku,name\n"), (Rows{{"sku", "name"}}));
  EXPECT_EQ(RowsOf("\xEF\xBB\xBF\"sku\"\n"), (Rows{{"sku"}}));
  EXPECT_EQ(RowsOf("\xEF\xBB\xBF\xEF\xBB\xBFx\n"), (Rows{{"\xEF\xBB\xBFx"}}));
  EXPECT_EQ(RowsOf("a,\xEF\xBB\xBF" "b\n"), (Rows{{"a", "\xEF\xBB\xBF" "b"}}));
  EXPECT_EQ(RowsOf("\xEF\xBB\xBF"), Rows{});
  const Parsed parsed = ReadAll("\xEF\xBB\xBF" "a\nb\n");
  EXPECT_EQ(parsed.lines, (std::vector<std::size_t>{1, 2}));
}

TEST(CsvReaderTest, CrLfAndLfEndLinesAlikeAndTheLastMayBeMissing) {
  const Rows expected{{"a", "b"}, {"c", "d"}, {"e", "f"}};
  EXPECT_EQ(RowsOf("a,b\r\nc,d\r\ne,f\r\n"), expected);
  EXPECT_EQ(RowsOf("a,b\nc,d\ne,f\n"), expected);
  EXPECT_EQ(RowsOf("a,b\r\nc,d\ne,f"), expected);
  EXPECT_EQ(RowsOf("a,b\nc,d\n\"e\",\"f\""), expected);
  EXPECT_EQ(RowsOf("a,"), (Rows{{"a", ""}}));
  EXPECT_EQ(RowsOf("\"\""), (Rows{{""}}));
  const Parsed parsed = ReadAll("a,b\r\nc,d\ne,f");
  EXPECT_EQ(parsed.lines, (std::vector<std::size_t>{1, 2, 3}));
}

TEST(CsvReaderTest, BlankLineInTheMiddleIsOneEmptyFieldButTrailingBlankLinesAreNoRecords) {
  const Parsed parsed = ReadAll("a\n\nb\r\n\r\nc\n");
  EXPECT_EQ(parsed.rows, (Rows{{"a"}, {""}, {"b"}, {""}, {"c"}}));
  EXPECT_EQ(parsed.lines, (std::vector<std::size_t>{1, 2, 3, 4, 5}));
  EXPECT_EQ(RowsOf("a\n\n"), (Rows{{"a"}}));
  EXPECT_EQ(RowsOf("a\r\n\r\n\n\r\n"), (Rows{{"a"}}));
  EXPECT_EQ(RowsOf("\n\na\n"), (Rows{{""}, {""}, {"a"}}));
  EXPECT_EQ(RowsOf("a\n\"\"\n\n"), (Rows{{"a"}, {""}}));  // a quoted empty field is a record
  EXPECT_EQ(RowsOf(""), Rows{});
  EXPECT_EQ(RowsOf("\n"), Rows{});
  EXPECT_EQ(RowsOf("\r\n\r\n"), Rows{});
  EXPECT_EQ(RowsOf(" \n"), (Rows{{" "}}));
}

TEST(CsvReaderTest, AcceptsEveryWellFormedUtf8Sequence) {
  // 2, 3 and 4 byte forms at their bounds: U+0080, U+07FF, U+0800, U+D7FF, U+E000, U+FFFF,
  // U+10000, U+10FFFF; and a BOM (U+FEFF) that is data.
  const std::string text =
      "\xC2\x80,\xDF\xBF,\xE0\xA0\x80,\xED\x9F\xBF,\xEE\x80\x80,\xEF\xBF\xBF,\xF0\x90\x80\x80,"
      "\"\xF4\x8F\xBF\xBF\",M3\xC3\x97" "10 \xE2\x86\x92 Widerst\xC3\xA4nde\n";
  const Rows rows = RowsOf(text);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].size(), 9u);
  EXPECT_EQ(rows[0][8], "M3\xC3\x97" "10 \xE2\x86\x92 Widerst\xC3\xA4nde");
}

TEST(CsvReaderTest, RejectsAQuoteInsideAnUnquotedField) {
  for (std::string_view text : {"a,b\nc,d\"e\n", "ab\"\n", "a,b\"c\"\n"}) {
    const CsvError error = ErrorOf(text);
    EXPECT_EQ(error.code, CsvErrc::kQuoteInUnquotedField) << text;
  }
  const CsvError error = ErrorOf("a,b\nc,d\"e\n");
  EXPECT_EQ(error.line, 2u);
  EXPECT_EQ(error.field, 2u);
  EXPECT_EQ(error.ToString(),
            "line 2, field 2: a quote inside a field that does not start with one; enclose the whole "
            "field in quotes and double each quote inside it");
  // A space before the opening quote makes the field unquoted.
  const CsvError spaced = ErrorOf("x,\"multi\nline\"\ny, \"z\"\n");
  EXPECT_EQ(spaced.code, CsvErrc::kQuoteInUnquotedField);
  EXPECT_EQ(spaced.line, 3u);
  EXPECT_EQ(spaced.field, 2u);
}

TEST(CsvReaderTest, RejectsTextAfterAClosingQuote) {
  struct Case {
    std::string_view text;
    std::size_t line;
    std::size_t field;
  };
  for (const Case& c : {Case{"\"a\"b\n", 1, 1}, Case{"x\n\"a\" ,b\n", 2, 1},
                        Case{"x,\"two\nlines\"\"\"z\n", 2, 2}, Case{"\"a\"\"\n\"x\n", 2, 1}}) {
    const CsvError error = ErrorOf(c.text);
    EXPECT_EQ(error.code, CsvErrc::kTextAfterClosingQuote) << c.text;
    EXPECT_EQ(error.line, c.line) << c.text;
    EXPECT_EQ(error.field, c.field) << c.text;
  }
}

TEST(CsvReaderTest, RejectsACarriageReturnWithoutLineFeedOutsideQuotes) {
  struct Case {
    std::string_view text;
    std::size_t line;
  };
  for (const Case& c : {Case{"a\rb\n", 1}, Case{"a\nb\r", 2}, Case{"a\n\"b\nc\"\rd\n", 3},
                        Case{"a\r\r\n", 1}, Case{"\r", 1}}) {
    const CsvError error = ErrorOf(c.text);
    EXPECT_EQ(error.code, CsvErrc::kBareCarriageReturn) << c.text;
    EXPECT_EQ(error.line, c.line) << c.text;
  }
}

TEST(CsvReaderTest, RejectsAnUnterminatedQuotedFieldAtTheLineItOpens) {
  const CsvError error = ErrorOf("a,b\nc,\"d\ne,f\n\n");
  EXPECT_EQ(error.code, CsvErrc::kUnterminatedQuotedField);
  EXPECT_EQ(error.line, 2u);
  EXPECT_EQ(error.field, 2u);
  EXPECT_EQ(ErrorOf("\"").code, CsvErrc::kUnterminatedQuotedField);
  EXPECT_EQ(ErrorOf("\"abc\"\"").code, CsvErrc::kUnterminatedQuotedField);
  EXPECT_EQ(ErrorOf("x\n\"abc\r\n").line, 2u);
}

TEST(CsvReaderTest, RejectsInvalidUtf8AnywhereWithItsLine) {
  // Overlong forms, surrogates, above U+10FFFF, stray and missing continuation bytes, bytes
  // that never occur, and sequences cut by a comma, a quote or the end of the input.
  for (std::string_view bad : {"\xC0\xAF", "\xC1\xBF", "\xE0\x9F\xBF", "\xF0\x8F\xBF\xBF",
                               "\xED\xA0\x80", "\xED\xBF\xBF", "\xF4\x90\x80\x80", "\xF5\x80\x80\x80",
                               "\x80", "\xBF", "\xFE", "\xFF", "\xC3", "\xE2\x82", "\xF0\x9F\x98",
                               "\xC3,", "\xE2\x82\"", "a\xC3(b"}) {
    const std::string unquoted = "ok,fine\n\"two\nlines\",x" + std::string(bad) + "\n";
    CsvError error = ErrorOf(unquoted);
    EXPECT_EQ(error.code, CsvErrc::kInvalidUtf8) << unquoted;
    EXPECT_EQ(error.line, 3u) << unquoted;
    EXPECT_EQ(error.field, 2u) << unquoted;
    const std::string quoted = "ok\n\"x\n\n" + std::string(bad) + "\"\n";
    error = ErrorOf(quoted);
    EXPECT_EQ(error.code, CsvErrc::kInvalidUtf8) << quoted;
    EXPECT_EQ(error.line, 4u) << quoted;
  }
  EXPECT_EQ(ErrorOf("\xEF\xBB").code, CsvErrc::kInvalidUtf8);  // a cut BOM is no BOM
  EXPECT_EQ(ErrorOf("a\n\xC3").message, "bytes that are not valid UTF-8; the file must be saved as UTF-8");
}

TEST(CsvReaderTest, RejectsNulBytes) {
  const CsvError unquoted = ErrorOf(std::string("a,b\nc,d\0e\n", 10));
  EXPECT_EQ(unquoted.code, CsvErrc::kNulByte);
  EXPECT_EQ(unquoted.line, 2u);
  EXPECT_EQ(unquoted.field, 2u);
  const CsvError quoted = ErrorOf(std::string("\"a\n\0\"\n", 6));
  EXPECT_EQ(quoted.code, CsvErrc::kNulByte);
  EXPECT_EQ(quoted.line, 2u);
  EXPECT_EQ(ErrorOf(std::string("\0", 1)).code, CsvErrc::kNulByte);
}

TEST(CsvReaderTest, LimitsTheFieldsOfARecord) {
  const CsvOptions three{.max_field_bytes = 100, .max_fields = 3};
  EXPECT_FALSE(ReadAll("a,b,c\n,,\n", three).error);
  const CsvError error = ErrorOf("a,b,c\n\"d\n\",e,f,g\n", three);
  EXPECT_EQ(error.code, CsvErrc::kTooManyFields);
  EXPECT_EQ(error.line, 3u);
  EXPECT_EQ(error.field, 4u);
  EXPECT_EQ(error.message, "a record with more than 3 fields");
  EXPECT_EQ(ErrorOf("a,b,c,\n", three).code, CsvErrc::kTooManyFields);  // an empty 4th field counts

  std::string fields(255, ',');  // 256 fields: the default limit
  EXPECT_EQ(RowsOf(fields + "\n").at(0).size(), 256u);
  EXPECT_EQ(ErrorOf(fields + ",\n").code, CsvErrc::kTooManyFields);
}

TEST(CsvReaderTest, LimitsTheBytesOfAFieldAfterUnquoting) {
  const CsvOptions four{.max_field_bytes = 4, .max_fields = 10};
  EXPECT_EQ(ReadAll("abcd,\"ab\"\"c\",\"\xE2\x82\xAC!\"\n", four).rows,
            (Rows{{"abcd", "ab\"c", "\xE2\x82\xAC!"}}));
  CsvError error = ErrorOf("ok\nx,abcde\n", four);
  EXPECT_EQ(error.code, CsvErrc::kFieldTooLong);
  EXPECT_EQ(error.line, 2u);
  EXPECT_EQ(error.field, 2u);
  EXPECT_EQ(error.message, "a field longer than 4 bytes");
  error = ErrorOf("ok\n\"a\nb\"\"\"\"c\"\n", four);  // a, LF, b, ", ", c: 6 bytes
  EXPECT_EQ(error.code, CsvErrc::kFieldTooLong);
  EXPECT_EQ(error.line, 2u);  // where the field starts

  const std::string big(64 * 1024, 'x');
  EXPECT_EQ(RowsOf(big + "\n").at(0).at(0).size(), big.size());
  EXPECT_EQ(ErrorOf("\"" + big + "\"\"\"\n").code, CsvErrc::kFieldTooLong);
}

TEST(CsvReaderTest, ReturnsTheRecordsBeforeAnErrorAndThenStopsForGood) {
  CsvReader reader("a\nb\"\nc\n");
  CsvRecord record;
  ASSERT_TRUE(reader.Next(&record));
  EXPECT_EQ(record.fields, std::vector<std::string>{"a"});
  EXPECT_FALSE(reader.error());
  EXPECT_FALSE(reader.Next(&record));
  ASSERT_TRUE(reader.error());
  EXPECT_EQ(reader.error()->line, 2u);
  EXPECT_FALSE(reader.Next(&record));
  EXPECT_EQ(reader.error()->line, 2u);

  CsvReader done("x\n");
  ASSERT_TRUE(done.Next(&record));
  EXPECT_FALSE(done.Next(&record));
  EXPECT_FALSE(done.Next(&record));
  EXPECT_FALSE(done.error());
}

TEST(CsvReaderTest, ReusesTheRecordAcrossDifferentWidths) {
  CsvReader reader("a,b,c\nd\ne,f\n");
  CsvRecord record;
  Rows rows;
  while (reader.Next(&record)) rows.push_back(record.fields);
  EXPECT_EQ(rows, (Rows{{"a", "b", "c"}, {"d"}, {"e", "f"}}));
}

TEST(CsvHeaderTest, MapsKnownColumnsByTrimmedExactName) {
  static constexpr CsvColumn kColumns[] = {{"sku", true}, {"name", true}, {"lot", false}, {"note", false}};
  const std::vector<std::string> header{" name", "sku ", "  note  "};
  const CsvHeaderMap map = MapCsvHeader(header, kColumns);
  EXPECT_TRUE(map.problems.empty());
  EXPECT_EQ(map.indexes, (std::vector<std::optional<std::size_t>>{1, 0, std::nullopt, 2}));
}

TEST(CsvHeaderTest, ReportsEachUnknownDuplicateAndMissingColumnSeparately) {
  static constexpr CsvColumn kColumns[] = {
      {"sku", true}, {"name", true}, {"quantity", true}, {"location", false}};
  // "Name" differs in case; a tab is not trimmed; "sku" appears twice; "" and "  " have no
  // name (and are not duplicates of each other).
  const std::vector<std::string> header{"sku", "Name", "colour", " sku", "", "location\t", "colour", "  "};
  const CsvHeaderMap map = MapCsvHeader(header, kColumns);
  EXPECT_EQ(map.indexes, (std::vector<std::optional<std::size_t>>{0, std::nullopt, std::nullopt, std::nullopt}));
  std::vector<std::string> messages;
  std::vector<CsvHeaderProblem::Kind> kinds;
  std::vector<std::string> columns;
  for (const CsvHeaderProblem& problem : map.problems) {
    messages.push_back(problem.message);
    kinds.push_back(problem.kind);
    columns.push_back(problem.column);
  }
  EXPECT_EQ(messages, (std::vector<std::string>{
                          "unknown column \"Name\" (field 2)",
                          "unknown column \"colour\" (field 3)",
                          "column \"sku\" appears more than once (fields 1 and 4)",
                          "field 5 has no column name",
                          "unknown column \"location\t\" (field 6)",
                          "column \"colour\" appears more than once (fields 3 and 7)",
                          "field 8 has no column name",
                          "missing required column \"name\"",
                          "missing required column \"quantity\"",
                      }));
  using Kind = CsvHeaderProblem::Kind;
  EXPECT_EQ(kinds, (std::vector<Kind>{Kind::kUnknown, Kind::kUnknown, Kind::kDuplicate, Kind::kUnknown,
                                      Kind::kUnknown, Kind::kDuplicate, Kind::kUnknown, Kind::kMissing,
                                      Kind::kMissing}));
  EXPECT_EQ(columns, (std::vector<std::string>{"Name", "colour", "sku", "", "location\t", "colour", "", "name",
                                               "quantity"}));
}

TEST(CsvHeaderTest, AnEmptyHeaderMissesEveryRequiredColumn) {
  static constexpr CsvColumn kColumns[] = {{"sku", true}, {"note", false}};
  const CsvHeaderMap map = MapCsvHeader(std::vector<std::string>{}, kColumns);
  ASSERT_EQ(map.problems.size(), 1u);
  EXPECT_EQ(map.problems[0].message, "missing required column \"sku\"");
}

std::string Field(std::string_view field) {
  std::string out;
  AppendCsvField(out, field);
  return out;
}

TEST(CsvWriterTest, QuotesOnlyWhatNeedsIt) {
  EXPECT_EQ(Field(""), "");
  EXPECT_EQ(Field("Bolt M3"), "Bolt M3");
  EXPECT_EQ(Field("Widerst\xC3\xA4nde \xE2\x86\x92 0402"), "Widerst\xC3\xA4nde \xE2\x86\x92 0402");
  EXPECT_EQ(Field("a,b"), "\"a,b\"");
  EXPECT_EQ(Field("12\" rule"), "\"12\"\" rule\"");
  EXPECT_EQ(Field("\"\""), "\"\"\"\"\"\"");
  EXPECT_EQ(Field("a\nb"), "\"a\nb\"");
  EXPECT_EQ(Field("a\rb"), "\"a\rb\"");
  EXPECT_EQ(Field(" lead"), "\" lead\"");
  EXPECT_EQ(Field("trail "), "\"trail \"");
  EXPECT_EQ(Field(" "), "\" \"");
  EXPECT_EQ(Field("in side"), "in side");
  EXPECT_EQ(Field("\ttab"), "\ttab");
  EXPECT_EQ(Field("\xEF\xBB\xBFx"), "\"\xEF\xBB\xBFx\"");
}

TEST(CsvWriterTest, WritesFormulasAsTheyAreSoThatExportsReadBackIdentically) {
  for (std::string_view formula : {"=SUM(A1:A9)", "+1", "-2", "@cmd", "=HYPERLINK(\"x\")"}) {
    std::string out;
    AppendCsvRecord(out, {formula});
    EXPECT_EQ(RowsOf(out), (Rows{{std::string(formula)}}));
  }
  EXPECT_EQ(Field("=1+2"), "=1+2");
}

TEST(CsvWriterTest, EndsRecordsWithCrLfAndWritesALoneEmptyFieldQuoted) {
  std::string out;
  AppendCsvRecord(out, {"sku", "name", ""});
  const std::vector<std::string> owned{"a b", "c,d"};
  AppendCsvRecord(out, owned);
  const std::array<std::string_view, 1> empty{""};
  AppendCsvRecord(out, empty);
  AppendCsvRecord(out, std::vector<std::string>{});
  EXPECT_EQ(out, "sku,name,\r\na b,\"c,d\"\r\n\"\"\r\n\"\"\r\n");
  EXPECT_EQ(RowsOf(out), (Rows{{"sku", "name", ""}, {"a b", "c,d"}, {""}, {""}}));
}

TEST(CsvRoundTripTest, TrickyFieldsReadBackIdentically) {
  const std::vector<std::string> pieces{
      "", "a", "Bolt", " ", "  lead", "trail  ", ",", "\"", "\"\"", "\r", "\n", "\r\n", "\n\n",
      "\xC3\xBC", "\xE2\x82\xAC", "\xF0\x9D\x84\x9E", "\xEF\xBB\xBF", "Widerst\xC3\xA4nde \xE2\x86\x92 10k",
      "=1+2", "\t", "x y", "37.4904", "'", "\\", ";"};
  std::mt19937 random(20240611);  // fixed seed: the same cases every run
  auto pick = [&](std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n - 1)(random); };
  Rows rows;
  for (int r = 0; r < 2000; ++r) {
    std::vector<std::string> fields(1 + pick(9));
    for (std::string& field : fields) {
      for (std::size_t parts = pick(4); parts > 0; --parts) field += pieces[pick(pieces.size())];
    }
    rows.push_back(std::move(fields));
  }
  rows.push_back({""});  // a lone empty field last: must not become a dropped blank line
  rows.insert(rows.begin(), std::vector<std::string>{"\xEF\xBB\xBF" "first", "x"});  // must not be taken for a BOM

  std::string out;
  for (const auto& fields : rows) AppendCsvRecord(out, fields);
  const Parsed parsed = ReadAll(out);
  ASSERT_FALSE(parsed.error) << parsed.error->ToString();
  ASSERT_EQ(parsed.rows.size(), rows.size());
  std::size_t line = 1;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    EXPECT_EQ(parsed.rows[i], rows[i]) << "record " << i;
    EXPECT_EQ(parsed.lines[i], line) << "record " << i;
    line += 1 + NewlinesIn(rows[i]);
  }
}

// The shared data files (../shared/data/README.md). The record counts are what Python's csv
// module reads from them.
TEST(CsvRealFilesTest, ReadsTheRealItemFile) {
  const std::string text = ReadSharedFile("items-real.csv");
  const Parsed parsed = ReadAll(text);
  ASSERT_FALSE(parsed.error) << parsed.error->ToString();
  EXPECT_EQ(parsed.rows.size(), 939u);  // a header and 938 items
  EXPECT_EQ(parsed.rows.front(), (std::vector<std::string>{"sku", "name", "description", "category", "kind",
                                                           "unit", "quantity", "reorder_point", "location"}));
  std::size_t physical_lines = 0;
  std::size_t multi_line_descriptions = 0;
  for (std::size_t i = 0; i < parsed.rows.size(); ++i) {
    EXPECT_EQ(parsed.rows[i].size(), 9u) << "line " << parsed.lines[i];
    EXPECT_EQ(parsed.lines[i], physical_lines + 1);
    physical_lines += 1 + NewlinesIn(parsed.rows[i]);
    if (parsed.rows[i][2].find('\n') != std::string::npos) ++multi_line_descriptions;
  }
  EXPECT_EQ(physical_lines, 973u);
  EXPECT_EQ(multi_line_descriptions, 28u);

  const auto it = std::find_if(parsed.rows.begin(), parsed.rows.end(),
                               [](const auto& row) { return row[0] == "PDB-0016"; });
  ASSERT_NE(it, parsed.rows.end());
  const std::size_t at = static_cast<std::size_t>(it - parsed.rows.begin());
  EXPECT_EQ((*it)[2], "RM 2,54mm\nF\xC3\xBCr 6P-ISP\n\nConrad 741435");
  EXPECT_EQ(parsed.lines[at], 430u);
  EXPECT_EQ(parsed.rows[at + 1][0], "PDB-0017");
  EXPECT_EQ(parsed.lines[at + 1], 434u);

  static constexpr CsvColumn kItemColumns[] = {
      {"sku", true},  {"name", true},     {"description", false},   {"category", false}, {"kind", true},
      {"unit", true}, {"quantity", true}, {"reorder_point", false}, {"location", false}};
  const CsvHeaderMap map = MapCsvHeader(parsed.rows.front(), kItemColumns);
  EXPECT_TRUE(map.problems.empty());
  EXPECT_EQ(map.indexes[6], 6u);
}

TEST(CsvRealFilesTest, ReadsTheBalancesAndTheSample) {
  Parsed balances = ReadAll(ReadSharedFile("items-real-balances.csv"));
  ASSERT_FALSE(balances.error) << balances.error->ToString();
  EXPECT_EQ(balances.rows.size(), 1217u);  // a header and 1216 balances
  EXPECT_EQ(balances.rows.front(), (std::vector<std::string>{"sku", "location", "lot", "quantity"}));
  for (std::size_t i = 0; i < balances.rows.size(); ++i) {
    EXPECT_EQ(balances.rows[i].size(), 4u) << "line " << balances.lines[i];
    EXPECT_EQ(balances.lines[i], i + 1);
  }

  Parsed sample = ReadAll(ReadSharedFile("items-sample.csv"));
  ASSERT_FALSE(sample.error) << sample.error->ToString();
  EXPECT_EQ(sample.rows.size(), 159u);  // a header and 158 items
  for (const auto& row : sample.rows) EXPECT_EQ(row.size(), 9u);
  EXPECT_EQ(sample.rows[1][2], "Full thread hexagon head screw, M3, length 10 mm, A2 stainless");
}

TEST(CsvRealFilesTest, TheRealItemFileSurvivesAWriteAndReadBack) {
  const Parsed original = ReadAll(ReadSharedFile("items-real.csv"));
  ASSERT_FALSE(original.error);
  std::string out;
  for (const auto& row : original.rows) AppendCsvRecord(out, row);
  EXPECT_EQ(ReadAll(out).rows, original.rows);
}

TEST(CsvReaderTest, ReadsManyRecords) {
  std::string text;
  for (int i = 0; i < 100'000; ++i) {
    text += "SKU-" + std::to_string(i) +
            ",Hex screw M3\xC3\x97" "10,\"Full thread, A2 \"\"stainless\"\"\",Fasteners,component,pcs,55,100,WH1\r\n";
  }
  CsvReader reader(text);
  CsvRecord record;
  std::size_t count = 0;
  while (reader.Next(&record)) ++count;
  EXPECT_FALSE(reader.error());
  EXPECT_EQ(count, 100'000u);
  EXPECT_EQ(record.line, 100'000u);
  EXPECT_EQ(record.fields[2], "Full thread, A2 \"stainless\"");
}

}  // namespace
}  // namespace stockroom::inventory
