#include "stockroom/inventory/csv.h"

#include <array>
#include <unordered_map>

namespace stockroom::inventory {
namespace {

constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";

// What each byte means to the scanning loops. An unquoted field runs over kPlain bytes only;
// a quoted one over kPlain, kComma and kCr (the classes up to kCr). Everything else stops a
// loop: quotes and line ends end or break fields, LF counts lines, and NUL and bytes of
// multi-byte UTF-8 sequences are checked.
enum ByteClass : unsigned char { kPlain, kComma, kCr, kQuote, kLf, kNul, kHigh };

constexpr std::array<unsigned char, 256> MakeByteClasses() {
  std::array<unsigned char, 256> classes{};
  for (int b = 0x80; b < 0x100; ++b) classes[b] = kHigh;
  classes[','] = kComma;
  classes['\r'] = kCr;
  classes['"'] = kQuote;
  classes['\n'] = kLf;
  classes[0] = kNul;
  return classes;
}

constexpr std::array<unsigned char, 256> kByteClass = MakeByteClasses();

// Length of the well-formed UTF-8 sequence that starts at text[at] (a byte >= 0x80), or 0 when
// there is none: no overlong forms, surrogates or code points above U+10FFFF (Unicode 15,
// Table 3-7).
std::size_t Utf8SequenceLength(std::string_view text, std::size_t at) {
  auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char lead = byte(at);
  std::size_t length = 0;
  unsigned char second_min = 0x80;
  unsigned char second_max = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead == 0xE0) {
    length = 3;
    second_min = 0xA0;
  } else if ((lead >= 0xE1 && lead <= 0xEC) || lead == 0xEE || lead == 0xEF) {
    length = 3;
  } else if (lead == 0xED) {
    length = 3;
    second_max = 0x9F;  // D800-DFFF are surrogates
  } else if (lead == 0xF0) {
    length = 4;
    second_min = 0x90;
  } else if (lead >= 0xF1 && lead <= 0xF3) {
    length = 4;
  } else if (lead == 0xF4) {
    length = 4;
    second_max = 0x8F;  // nothing above U+10FFFF
  } else {
    return 0;
  }
  if (text.size() - at < length) return 0;
  if (byte(at + 1) < second_min || byte(at + 1) > second_max) return 0;
  for (std::size_t i = 2; i < length; ++i) {
    if ((byte(at + i) & 0xC0) != 0x80) return 0;
  }
  return length;
}

std::string ErrorMessage(CsvErrc code, const CsvOptions& options) {
  switch (code) {
    case CsvErrc::kQuoteInUnquotedField:
      return "a quote inside a field that does not start with one; enclose the whole field in "
             "quotes and double each quote inside it";
    case CsvErrc::kTextAfterClosingQuote:
      return "text after the closing quote of a quoted field, where a comma or the end of the "
             "line must follow; a quote inside a quoted field must be doubled";
    case CsvErrc::kBareCarriageReturn:
      return "a carriage return (CR) without a line feed after it outside a quoted field; lines "
             "must end in CRLF or LF";
    case CsvErrc::kUnterminatedQuotedField:
      return "a quoted field that starts on this line has no closing quote before the end of "
             "the file";
    case CsvErrc::kInvalidUtf8:
      return "bytes that are not valid UTF-8; the file must be saved as UTF-8";
    case CsvErrc::kNulByte:
      return "a NUL byte (0x00), which no text field may hold";
    case CsvErrc::kTooManyFields:
      return "a record with more than " + std::to_string(options.max_fields) + " fields";
    case CsvErrc::kFieldTooLong:
      return "a field longer than " + std::to_string(options.max_field_bytes) + " bytes";
  }
  return "malformed CSV";
}

std::string_view TrimSpaces(std::string_view text) {
  const auto first = text.find_first_not_of(' ');
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(' ') - first + 1);
}

template <typename Fields>
void AppendRecord(std::string& out, const Fields& fields) {
  if (fields.size() == 0 || (fields.size() == 1 && std::string_view(*fields.begin()).empty())) {
    out.append("\"\"\r\n");  // a blank line would be dropped at the end of a file
    return;
  }
  bool first = true;
  for (const auto& field : fields) {
    if (!first) out.push_back(',');
    first = false;
    AppendCsvField(out, field);
  }
  out.append("\r\n");  // RFC 4180 2.1
}

}  // namespace

std::string CsvError::ToString() const {
  return "line " + std::to_string(line) + ", field " + std::to_string(field) + ": " + message;
}

CsvReader::CsvReader(std::string_view input, CsvOptions options)
    : input_(input), options_(options) {
  if (input_.starts_with(kByteOrderMark)) pos_ = kByteOrderMark.size();
  // Blank lines at the end are not records: no record starts in the run of CRLF and LF that
  // ends the input. A CR before that run is left for the parser to reject.
  content_end_ = input_.size();
  while (content_end_ > pos_ && input_[content_end_ - 1] == '\n') {
    --content_end_;
    if (content_end_ > pos_ && input_[content_end_ - 1] == '\r') --content_end_;
  }
}

bool CsvReader::Next(CsvRecord* record) {
  if (error_ || pos_ >= content_end_) return false;
  record->line = line_;
  std::vector<std::string>& fields = record->fields;
  std::size_t count = 0;
  for (;;) {
    if (count == options_.max_fields) {
      Fail(CsvErrc::kTooManyFields, line_, count + 1);
      return false;
    }
    if (count == fields.size()) fields.emplace_back();
    std::string& field = fields[count++];
    field.clear();
    const FieldEnd end = pos_ < input_.size() && input_[pos_] == '"' ? ReadQuoted(field, count)
                                                                     : ReadUnquoted(field, count);
    if (end == FieldEnd::kError) return false;
    if (end == FieldEnd::kRecordEnd) break;
  }
  fields.resize(count);
  return true;
}

// RFC 4180 2.4, 2.5: an unquoted field holds no quotes, commas or line breaks.
CsvReader::FieldEnd CsvReader::ReadUnquoted(std::string& field, std::size_t field_number) {
  const std::size_t start = pos_;
  for (;;) {
    while (pos_ < input_.size() && kByteClass[static_cast<unsigned char>(input_[pos_])] == kPlain) ++pos_;
    if (pos_ == input_.size()) {
      return Append(field, start, pos_, field_number, line_) ? FieldEnd::kRecordEnd : FieldEnd::kError;
    }
    switch (static_cast<ByteClass>(kByteClass[static_cast<unsigned char>(input_[pos_])])) {
      case kHigh: {
        const std::size_t length = Utf8SequenceLength(input_, pos_);
        if (length == 0) return Fail(CsvErrc::kInvalidUtf8, line_, field_number);
        pos_ += length;
        continue;
      }
      case kComma:
        if (!Append(field, start, pos_, field_number, line_)) return FieldEnd::kError;
        ++pos_;
        return FieldEnd::kComma;
      case kLf:
      case kCr:
        if (!Append(field, start, pos_, field_number, line_)) return FieldEnd::kError;
        return EndOfLine(field_number);
      case kQuote:
        return Fail(CsvErrc::kQuoteInUnquotedField, line_, field_number);
      case kNul:
        return Fail(CsvErrc::kNulByte, line_, field_number);
      case kPlain:
        break;  // not reached: the loop above skips these
    }
  }
}

// RFC 4180 2.6, 2.7: a quoted field may hold commas, CR, LF and quotes written twice.
CsvReader::FieldEnd CsvReader::ReadQuoted(std::string& field, std::size_t field_number) {
  const std::size_t open_line = line_;
  std::size_t start = ++pos_;  // after the opening quote
  for (;;) {
    while (pos_ < input_.size() && kByteClass[static_cast<unsigned char>(input_[pos_])] <= kCr) ++pos_;
    if (pos_ == input_.size()) return Fail(CsvErrc::kUnterminatedQuotedField, open_line, field_number);
    switch (static_cast<ByteClass>(kByteClass[static_cast<unsigned char>(input_[pos_])])) {
      case kLf:
        ++line_;
        ++pos_;
        continue;
      case kHigh: {
        const std::size_t length = Utf8SequenceLength(input_, pos_);
        if (length == 0) return Fail(CsvErrc::kInvalidUtf8, line_, field_number);
        pos_ += length;
        continue;
      }
      case kNul:
        return Fail(CsvErrc::kNulByte, line_, field_number);
      case kQuote:
        if (pos_ + 1 < input_.size() && input_[pos_ + 1] == '"') {  // "" is one quote
          if (!Append(field, start, pos_ + 1, field_number, open_line)) return FieldEnd::kError;
          pos_ += 2;
          start = pos_;
          continue;
        }
        if (!Append(field, start, pos_, field_number, open_line)) return FieldEnd::kError;
        ++pos_;  // the closing quote
        if (pos_ == input_.size()) return FieldEnd::kRecordEnd;
        if (input_[pos_] == ',') {
          ++pos_;
          return FieldEnd::kComma;
        }
        if (input_[pos_] == '\n' || input_[pos_] == '\r') return EndOfLine(field_number);
        return Fail(CsvErrc::kTextAfterClosingQuote, line_, field_number);
      case kPlain:
      case kComma:
      case kCr:
        break;  // not reached: the loop above skips these
    }
  }
}

// At a CR or LF outside quotes: consumes LF or CRLF (RFC 4180 2.1; LF alone is accepted too).
CsvReader::FieldEnd CsvReader::EndOfLine(std::size_t field_number) {
  if (input_[pos_] == '\r') {
    if (pos_ + 1 == input_.size() || input_[pos_ + 1] != '\n') {
      return Fail(CsvErrc::kBareCarriageReturn, line_, field_number);
    }
    ++pos_;
  }
  ++pos_;
  ++line_;
  return FieldEnd::kRecordEnd;
}

bool CsvReader::Append(std::string& field, std::size_t from, std::size_t to,
                       std::size_t field_number, std::size_t field_line) {
  if (to - from > options_.max_field_bytes - field.size()) {
    Fail(CsvErrc::kFieldTooLong, field_line, field_number);
    return false;
  }
  field.append(input_, from, to - from);
  return true;
}

CsvReader::FieldEnd CsvReader::Fail(CsvErrc code, std::size_t line, std::size_t field_number) {
  error_ = CsvError{code, line, field_number, ErrorMessage(code, options_)};
  return FieldEnd::kError;
}

CsvHeaderMap MapCsvHeader(std::span<const std::string> header, std::span<const CsvColumn> columns) {
  CsvHeaderMap map;
  map.indexes.assign(columns.size(), std::nullopt);
  std::unordered_map<std::string_view, std::size_t> first_field;  // trimmed name -> index
  for (std::size_t i = 0; i < header.size(); ++i) {
    const std::string_view name = TrimSpaces(header[i]);
    const std::string position = std::to_string(i + 1);
    if (name.empty()) {
      map.problems.push_back({CsvHeaderProblem::Kind::kUnknown, "", "field " + position + " has no column name"});
      continue;
    }
    if (auto [seen, inserted] = first_field.emplace(name, i); !inserted) {
      map.problems.push_back({CsvHeaderProblem::Kind::kDuplicate, std::string(name),
                              "column \"" + std::string(name) + "\" appears more than once (fields " +
                                  std::to_string(seen->second + 1) + " and " + position + ")"});
      continue;
    }
    std::size_t known = 0;
    while (known < columns.size() && columns[known].name != name) ++known;
    if (known < columns.size()) {
      map.indexes[known] = i;
    } else {
      map.problems.push_back({CsvHeaderProblem::Kind::kUnknown, std::string(name),
                              "unknown column \"" + std::string(name) + "\" (field " + position + ")"});
    }
  }
  for (std::size_t j = 0; j < columns.size(); ++j) {
    if (columns[j].required && !map.indexes[j]) {
      map.problems.push_back({CsvHeaderProblem::Kind::kMissing, std::string(columns[j].name),
                              "missing required column \"" + std::string(columns[j].name) + "\""});
    }
  }
  return map;
}

void AppendCsvField(std::string& out, std::string_view field) {
  const bool quote = field.find_first_of(",\"\r\n") != std::string_view::npos ||
                     (!field.empty() && (field.front() == ' ' || field.back() == ' ')) ||
                     field.starts_with(kByteOrderMark);  // a reader would skip it at file start
  if (!quote) {
    out.append(field);
    return;
  }
  out.push_back('"');
  std::size_t from = 0;
  for (std::size_t q; (q = field.find('"', from)) != std::string_view::npos; from = q + 1) {
    out.append(field.substr(from, q + 1 - from));
    out.push_back('"');  // RFC 4180 2.7: a quote inside is written twice
  }
  out.append(field.substr(from));
  out.push_back('"');
}

void AppendCsvRecord(std::string& out, std::span<const std::string> fields) { AppendRecord(out, fields); }
void AppendCsvRecord(std::string& out, std::span<const std::string_view> fields) { AppendRecord(out, fields); }
void AppendCsvRecord(std::string& out, std::initializer_list<std::string_view> fields) {
  AppendRecord(out, fields);
}

}  // namespace stockroom::inventory
