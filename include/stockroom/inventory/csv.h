// Strict RFC 4180 CSV: a reader over a whole file held in memory, a header-to-column mapper
// and a writer. UTF-8 only. CsvReader is thread-compatible; the functions are pure.
#pragma once

#include <cstddef>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace stockroom::inventory {

// Bounds on what one record may hold, so that a hostile or broken file costs at most about
// max_fields * max_field_bytes bytes per record. The item format has 9 columns and its longest
// text (a description) is 4000 code points, at most 16000 bytes.
struct CsvOptions {
  std::size_t max_field_bytes = 64 * 1024;  // bytes of one field after unquoting
  std::size_t max_fields = 256;             // fields in one record
};

// One record: its fields, unquoted ("" read as "), and the 1-based physical line it starts on
// (counted in LF bytes, so a quoted field with line breaks makes the next record start later).
struct CsvRecord {
  std::vector<std::string> fields;
  std::size_t line = 0;
};

enum class CsvErrc {
  kQuoteInUnquotedField,     // a"b  or  x "y": RFC 4180 2.5, 2.7
  kTextAfterClosingQuote,    // "a"b  or  "a" ,b
  kBareCarriageReturn,       // a CR not followed by LF outside a quoted field
  kUnterminatedQuotedField,  // the input ends inside a quoted field
  kInvalidUtf8,              // not UTF-8: bad, overlong, surrogate or out-of-range sequence
  kNulByte,                  // a 0x00 byte anywhere
  kTooManyFields,            // more than CsvOptions::max_fields in one record
  kFieldTooLong,             // more than CsvOptions::max_field_bytes in one field
};

struct CsvError {
  CsvErrc code = CsvErrc::kInvalidUtf8;
  // 1-based physical line of the offending byte; for kUnterminatedQuotedField the line of the
  // opening quote, for kFieldTooLong the line the field starts on.
  std::size_t line = 0;
  std::size_t field = 0;  // 1-based position of the field in its record
  std::string message;    // what is wrong, for people; names neither line nor field

  std::string ToString() const;  // "line 12, field 3: " + message
};

// Reads records one at a time from `input`, a whole file that the caller has bounded in size.
//   - A UTF-8 byte order mark at the very start is skipped.
//   - Line ends are CRLF or LF; the last record may lack one. A CR alone is data inside a
//     quoted field and an error (kBareCarriageReturn) anywhere else.
//   - A blank line between records is a record with one empty field (the caller decides what
//     it means); blank lines at the very end of the input are not records, so "a\n\n" is one
//     record. (AppendCsvRecord writes a lone empty field as "" so that it survives this.)
//   - Every field must be valid UTF-8 without NUL bytes; nothing is trimmed.
// The first error stops the reader for good.
//
//   CsvReader reader(text);
//   CsvRecord record;
//   while (reader.Next(&record)) { ... }
//   if (reader.error()) { ... reader.error()->line, reader.error()->message ... }
class CsvReader {
 public:
  // REQUIRES: `input` outlives the reader.
  explicit CsvReader(std::string_view input, CsvOptions options = {});

  // Fills *record with the next record and returns true. Returns false at the end of the input
  // (error() stays nullopt) and on an error (error() says which; *record is then unspecified).
  // The strings of *record are reused, so passing the same record every time saves allocations.
  bool Next(CsvRecord* record);

  // The error that stopped the reader, nullopt while there is none.
  const std::optional<CsvError>& error() const { return error_; }

 private:
  enum class FieldEnd { kComma, kRecordEnd, kError };
  FieldEnd ReadUnquoted(std::string& field, std::size_t field_number);
  FieldEnd ReadQuoted(std::string& field, std::size_t field_number);
  FieldEnd EndOfLine(std::size_t field_number);
  bool Append(std::string& field, std::size_t from, std::size_t to, std::size_t field_number,
              std::size_t field_line);
  FieldEnd Fail(CsvErrc code, std::size_t line, std::size_t field_number);

  std::string_view input_;
  CsvOptions options_;
  std::size_t pos_ = 0;
  std::size_t content_end_ = 0;  // input_ minus trailing line ends: no record starts at or past it
  std::size_t line_ = 1;         // physical line of input_[pos_]
  std::optional<CsvError> error_;
};

// A column the caller knows.
struct CsvColumn {
  std::string_view name;
  bool required = false;
};

struct CsvHeaderProblem {
  enum class Kind { kUnknown, kDuplicate, kMissing };
  Kind kind = Kind::kUnknown;
  std::string column;   // the name, trimmed ("" for a field with no name)
  std::string message;  // names the column, e.g. `unknown column "colour" (field 4)`
};

struct CsvHeaderMap {
  // indexes[i] is the field index of columns[i] in every record, nullopt if the header lacks it.
  std::vector<std::optional<std::size_t>> indexes;
  // One per unknown field (a field with no name is one) and per repeated name, in header
  // order, then one per missing required column in `columns` order. Empty when the header is
  // acceptable.
  std::vector<CsvHeaderProblem> problems;
};

// Maps the header record's fields to `columns`. Names match exactly (case matters) after the
// outer ASCII spaces of each header field are trimmed. A repeated name maps to its first
// field and each repetition is a problem; an unknown name is a problem. Each problem is its
// own message, so that a caller can list them all.
CsvHeaderMap MapCsvHeader(std::span<const std::string> header, std::span<const CsvColumn> columns);

// Appends `field` to `out`, enclosed in quotes with its quotes doubled when it holds a comma,
// quote, CR or LF, starts or ends with a space, or starts with a byte order mark; as it is
// otherwise (RFC 4180 2.6, 2.7). Fields are written as they are: there is deliberately no
// guard against spreadsheet formula injection (no quote or apostrophe before =, +, -, @),
// because an export must import back to identical data. REQUIRES for the output to read
// back: `field` is valid UTF-8 without NUL bytes (CsvReader rejects the others).
void AppendCsvField(std::string& out, std::string_view field);

// Appends one record: the fields separated by commas, then CRLF (RFC 4180 2.1). A record of
// one empty field (or of none; CSV cannot tell them apart) is written as "" so that it is not
// a blank line, which CsvReader would drop at the end of a file.
void AppendCsvRecord(std::string& out, std::span<const std::string> fields);
void AppendCsvRecord(std::string& out, std::span<const std::string_view> fields);
void AppendCsvRecord(std::string& out, std::initializer_list<std::string_view> fields);

}  // namespace stockroom::inventory
