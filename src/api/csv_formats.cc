#include "stockroom/api/csv_formats.h"

#include <fmt/format.h>

#include <array>
#include <unordered_map>

#include "json_io.h"
#include "stockroom/inventory/csv.h"

namespace stockroom::api {
namespace {

using inventory::CsvColumn;
using inventory::Decimal;

constexpr std::size_t kMaxReportedErrors = 100;

enum ItemColumn { kSku, kName, kDescription, kCategory, kKind, kUnit, kQuantity, kReorder, kLocation, kLot,
                  kLotTracked, kPrecision };
constexpr std::array<CsvColumn, 12> kItemColumns = {{{"sku", true}, {"name", true}, {"description", false},
                                                    {"category", false}, {"kind", false}, {"unit", false},
                                                    {"quantity", false}, {"reorder_point", false},
                                                    {"location", false}, {"lot", false}, {"lot_tracked", false},
                                                    {"precision", false}}};

enum StockColumn { kStockSku, kStockLocation, kStockLot, kStockQuantity };
constexpr std::array<CsvColumn, 4> kStockColumns = {
    {{"sku", true}, {"location", true}, {"lot", false}, {"quantity", true}}};

// Reads the file's records through `row(fields, line)`, collecting every problem.
template <class Row, std::size_t N, class F>
ParsedCsv<Row> ReadCsv(std::string_view text, const std::array<CsvColumn, N>& columns, F&& row) {
  ParsedCsv<Row> parsed;
  auto add_error = [&](CsvRowError error) {
    if (parsed.errors.size() < kMaxReportedErrors) parsed.errors.push_back(std::move(error));
    else ++parsed.more_errors;
  };
  inventory::CsvReader reader(text);
  inventory::CsvRecord record;
  if (!reader.Next(&record)) {
    if (reader.error()) add_error({reader.error()->line, "", reader.error()->message});
    else add_error({1, "", "the file is empty: it needs a header line"});
    return parsed;
  }
  const inventory::CsvHeaderMap header = inventory::MapCsvHeader(record.fields, columns);
  for (const auto& problem : header.problems) add_error({1, problem.column, problem.message});
  if (!parsed.errors.empty()) return parsed;
  const std::size_t header_size = record.fields.size();
  std::vector<std::string_view> fields(N);
  while (reader.Next(&record)) {
    if (record.fields.size() == 1 && record.fields[0].empty()) continue;  // a blank line
    if (record.fields.size() != header_size) {
      add_error({record.line, "", fmt::format("has {} fields; the header has {}", record.fields.size(), header_size)});
      continue;
    }
    for (std::size_t i = 0; i < N; ++i) {
      const auto& index = header.indexes[i];
      fields[i] = index ? std::string_view(record.fields[*index]) : std::string_view();
    }
    std::vector<CsvRowError> row_errors;
    std::optional<Row> value = row(fields, record.line, row_errors);
    for (auto& error : row_errors) add_error(std::move(error));
    if (value && row_errors.empty()) {
      parsed.rows.push_back(std::move(*value));
      parsed.lines.push_back(record.line);
    }
  }
  if (reader.error()) add_error({reader.error()->line, "", reader.error()->message});
  return parsed;
}

std::optional<Decimal> ReadQuantity(std::string_view text, std::string_view column, std::size_t line,
                                    std::vector<CsvRowError>& errors) {
  auto parsed = Decimal::Parse(text);
  if (!parsed.value) {
    errors.push_back({line, std::string(column), std::string(inventory::ParseErrorMessage(parsed.error))});
    return std::nullopt;
  }
  return parsed.value;
}

void CheckLocationText(std::string_view text, std::string_view column, std::size_t line,
                       std::vector<CsvRowError>& errors) {
  if (text.empty()) return;
  auto parsed = inventory::ParseLocationRef(text);
  if (!parsed.ref) errors.push_back({line, std::string(column), parsed.error.message});
}

void CheckLotColumn(std::string_view text, std::string_view column, std::size_t line,
                    std::vector<CsvRowError>& errors) {
  if (auto problem = inventory::CheckLot(text)) {
    errors.push_back({line, std::string(column), *problem});
  }
}

}  // namespace

ParsedCsv<store::ItemImportRow> ParseItemsCsv(std::string_view text, std::string_view receiving_location,
                                              bool with_stock) {
  std::unordered_map<std::string, std::size_t> seen_skus;  // sku -> line
  return ReadCsv<store::ItemImportRow>(
      text, kItemColumns,
      [&](const std::vector<std::string_view>& f, std::size_t line,
          std::vector<CsvRowError>& errors) -> std::optional<store::ItemImportRow> {
        auto err = [&](std::string_view column, std::string message) {
          errors.push_back({line, std::string(column), std::move(message)});
        };
        store::ItemImportRow row;
        auto& fields = row.fields;
        if (auto problem = inventory::CheckSku(f[kSku])) err("sku", *problem);
        else if (auto [it, fresh] = seen_skus.emplace(std::string(f[kSku]), line); !fresh)
          err("sku", fmt::format("repeats the sku of line {}", it->second));
        fields.sku = f[kSku];
        if (auto problem = inventory::CheckName(f[kName])) err("name", *problem);
        fields.name = f[kName];
        if (auto problem = inventory::CheckText(f[kDescription], inventory::ItemLimits::kDescriptionMax, true))
          err("description", *problem);
        fields.description = f[kDescription];
        if (auto problem = inventory::CheckText(f[kCategory], inventory::ItemLimits::kCategoryMax, false))
          err("category", *problem);
        fields.category = f[kCategory];
        if (f[kKind].empty()) fields.kind = inventory::ItemKind::kComponent;
        else if (auto kind = inventory::ItemKindFromName(f[kKind])) fields.kind = *kind;
        else err("kind", "must be one of raw_material, component, finished_good");
        fields.unit = f[kUnit].empty() ? std::string("pcs") : std::string(f[kUnit]);
        if (auto problem = inventory::CheckText(fields.unit, inventory::ItemLimits::kUnitMax, false)) err("unit", *problem);
        if (!f[kReorder].empty()) {
          if (auto value = ReadQuantity(f[kReorder], "reorder_point", line, errors)) fields.reorder_point = *value;
        }
        if (auto problem = inventory::CheckText(f[kLocation], inventory::ItemLimits::kLocationMax, false)) {
          err("location", *problem);
        } else {
          CheckLocationText(f[kLocation], "location", line, errors);
        }
        fields.location = f[kLocation];
        if (with_stock) CheckLotColumn(f[kLot], "lot", line, errors);
        if (f[kLotTracked] == "true" || f[kLotTracked] == "1") fields.lot_tracked = true;
        else if (!f[kLotTracked].empty() && f[kLotTracked] != "false" && f[kLotTracked] != "0")
          err("lot_tracked", "must be true or false");
        if (!f[kPrecision].empty()) {
          if (f[kPrecision].size() == 1 && f[kPrecision][0] >= '0' && f[kPrecision][0] <= '6') {
            fields.precision = f[kPrecision][0] - '0';
          } else {
            err("precision", "must be an integer from 0 to 6");
          }
        }
        if (with_stock && !f[kQuantity].empty()) {
          if (auto quantity = ReadQuantity(f[kQuantity], "quantity", line, errors); quantity && quantity->units() > 0) {
            if (!inventory::FitsPrecision(*quantity, fields.precision)) {
              err("quantity", "has more fraction digits than the item's precision");
            }
            if (fields.lot_tracked && f[kLot].empty()) err("lot", "is required: the item is lot-tracked");
            row.opening = store::OpeningStock{
                f[kLocation].empty() ? std::string(receiving_location) : std::string(f[kLocation]),
                std::string(f[kLot]), *quantity};
          }
        }
        return row;
      });
}

ParsedCsv<store::StockImportRow> ParseStockCsv(std::string_view text, std::string_view receiving_location) {
  return ReadCsv<store::StockImportRow>(
      text, kStockColumns,
      [&](const std::vector<std::string_view>& f, std::size_t line,
          std::vector<CsvRowError>& errors) -> std::optional<store::StockImportRow> {
        store::StockImportRow row;
        if (auto problem = inventory::CheckSku(f[kStockSku])) errors.push_back({line, "sku", *problem});
        row.sku = f[kStockSku];
        CheckLocationText(f[kStockLocation], "location", line, errors);
        row.location = f[kStockLocation].empty() ? std::string(receiving_location) : std::string(f[kStockLocation]);
        CheckLotColumn(f[kStockLot], "lot", line, errors);
        row.lot = f[kStockLot];
        if (auto quantity = ReadQuantity(f[kStockQuantity], "quantity", line, errors)) row.quantity = *quantity;
        return row;
      });
}

namespace {

// The stock rows of every item in item order, fetched a page at a time.
class StockByItem {
 public:
  explicit StockByItem(store::Store& store) : store_(store) { query_.limit = 5000; }

  // The balances of `item_id`; REQUIRES: ids are asked in ascending order.
  store::Result<std::vector<store::StockRow>> Of(std::int64_t item_id) {
    std::vector<store::StockRow> rows;
    while (true) {
      while (next_ < page_.rows.size() && page_.rows[next_].item_id < item_id) ++next_;
      while (next_ < page_.rows.size() && page_.rows[next_].item_id == item_id) rows.push_back(page_.rows[next_++]);
      if (next_ < page_.rows.size()) return rows;       // the page goes on past this item
      if (started_ && !page_.next) return rows;          // the last page is used up
      if (started_) {
        query_.after_item_id = page_.next->item_id;
        query_.after_location_id = page_.next->location_id;
        query_.after_lot = page_.next->lot;
      }
      auto page = store_.ListStock(query_);
      if (!page) return page.error();
      page_ = std::move(*page);
      next_ = 0;
      started_ = true;
    }
  }

 private:
  store::Store& store_;
  store::StockQuery query_;
  store::StockPage page_;
  std::size_t next_ = 0;
  bool started_ = false;
};

// True when `path` is the location an item names as home (by its path or by its code).
bool IsHome(std::string_view home, std::string_view path) {
  if (home == path) return true;
  const auto slash = path.rfind('/');
  return slash != std::string_view::npos && home == path.substr(slash + 1);
}

}  // namespace

store::Result<std::string> ExportItemsCsv(store::Store& store, bool with_stock, std::size_t* stock_elsewhere) {
  std::string out;
  inventory::AppendCsvRecord(out, {"sku", "name", "description", "category", "kind", "unit", "quantity",
                                   "reorder_point", "location", "lot", "lot_tracked", "precision"});
  StockByItem stock(store);
  store::ItemQuery query;
  query.limit = 500;
  while (true) {
    auto page = store.ListItems(query);
    if (!page) return page.error();
    for (const auto& item : page->items) {
      const auto& f = item.fields;
      std::string quantity, lot;
      if (with_stock) {
        auto rows = stock.Of(item.id);
        if (!rows) return rows.error();
        if (rows->empty()) {
          quantity = "0";
        } else if (rows->size() == 1 && IsHome(f.location, rows->front().balance.location)) {
          quantity = rows->front().balance.quantity.ToString();
          lot = rows->front().balance.lot;
        } else if (stock_elsewhere) {
          ++*stock_elsewhere;
        }
      }
      const std::string reorder = f.reorder_point.ToString();
      const std::string precision = std::to_string(f.precision);
      inventory::AppendCsvRecord(out, {f.sku, f.name, f.description, f.category, inventory::ItemKindName(f.kind),
                                       f.unit, quantity, reorder, f.location, lot, f.lot_tracked ? "true" : "false",
                                       precision});
    }
    if (!page->next_after_id) break;
    query.after_id = *page->next_after_id;
  }
  return out;
}

store::Result<std::string> ExportStockCsv(store::Store& store, const std::optional<std::string>& location) {
  std::string out;
  inventory::AppendCsvRecord(out, {"sku", "location", "lot", "quantity"});
  store::StockQuery query;
  query.limit = 5000;
  query.location = location;
  while (true) {
    auto page = store.ListStock(query);
    if (!page) return page.error();
    for (const auto& row : page->rows) {
      const std::string quantity = row.balance.quantity.ToString();
      inventory::AppendCsvRecord(out, {row.sku, row.balance.location, row.balance.lot, quantity});
    }
    if (!page->next) break;
    query.after_item_id = page->next->item_id;
    query.after_location_id = page->next->location_id;
    query.after_lot = page->next->lot;
  }
  return out;
}

store::Result<std::string> ExportMovementsCsv(store::Store& store, std::optional<std::int64_t> from_ms,
                                              std::optional<std::int64_t> to_ms) {
  std::string out;
  inventory::AppendCsvRecord(out, {"id", "at", "type", "item_id", "sku", "quantity", "from_location", "to_location",
                                   "lot", "reference", "reason", "reverses", "actor_sub", "actor_name", "difference"});
  store::MovementQuery query;
  query.limit = 1000;
  query.from_ms = from_ms;
  query.to_ms = to_ms;
  while (true) {
    auto page = store.ListMovements(query);
    if (!page) return page.error();
    for (const auto& m : page->movements) {
      const std::string id = std::to_string(m.id), item_id = std::to_string(m.item_id);
      const std::string at = FormatTimestamp(m.at_ms), quantity = m.quantity.ToString();
      const std::string reverses = m.reverses ? std::to_string(*m.reverses) : std::string();
      std::string location = m.from_location.value_or(""), to = m.to_location.value_or("");
      const std::string difference = inventory::CountDifference(m).value_or("");
      inventory::AppendCsvRecord(out, {id, at, inventory::MovementTypeName(m.type), item_id, m.sku, quantity, location,
                                       to, m.lot, m.reference, m.reason, reverses, m.actor.sub, m.actor.name,
                                       difference});
    }
    if (!page->next_after_id) break;
    query.after_id = *page->next_after_id;
  }
  return out;
}

std::optional<std::int64_t> ParseTimeParameter(std::string_view text) { return ParseTimestamp(text); }

std::vector<CsvRowError> ImportRowErrors(const store::Error& error, const std::vector<std::size_t>& lines) {
  std::vector<CsvRowError> errors;
  auto add = [&](const store::Error& row_error) {
    if (!row_error.row || *row_error.row >= lines.size()) return;
    CsvRowError& added = errors.emplace_back(CsvRowError{lines[*row_error.row], row_error.field, row_error.detail});
    if (row_error.code == store::Errc::kDuplicateSku) {
      added.column = "sku";
      added.message = "an item with this sku exists (or existed)";
    }
    if (row_error.code == store::Errc::kInsufficientStock) added.column = "quantity";
  };
  add(error);
  for (const store::Error& other : error.other_rows) add(other);
  return errors;
}

std::string DescribeCsvError(const CsvRowError& error) {
  if (error.column.empty()) return fmt::format("line {}: {}", error.line, error.message);
  return fmt::format("line {}: {}: {}", error.line, error.column, error.message);
}

}  // namespace stockroom::api
