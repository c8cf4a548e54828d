// The CSV files Stockroom reads and writes (docs/api.md "CSV"): items
// (sku,name,description,category,kind,unit,quantity,reorder_point,location[,lot,lot_tracked,
// precision]), stock balances (sku,location,lot,quantity) and movements. Used by the HTTP API
// and the command line alike. Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "stockroom/store/store.h"

namespace stockroom::api {

// One problem of one row: `line` is the physical line of the file (1 = the header).
struct CsvRowError {
  std::size_t line = 0;
  std::string column;
  std::string message;
};

// Rows read from a file, with the line each starts on; `errors` lists every bad row (up to a
// bound, then `more_errors` counts the rest). Rows are usable only when `errors` is empty.
template <class Row>
struct ParsedCsv {
  std::vector<Row> rows;
  std::vector<std::size_t> lines;
  std::vector<CsvRowError> errors;
  std::size_t more_errors = 0;
};

// Items: sku and name are required columns, the others optional. A non-zero quantity is
// opening stock at the row's location, or at `receiving_location` when the row names none;
// without `with_stock` the quantity and lot columns are ignored (the stock comes separately,
// as from a stock file).
ParsedCsv<store::ItemImportRow> ParseItemsCsv(std::string_view text, std::string_view receiving_location,
                                              bool with_stock = true);

// Stock rows: sku, location, quantity required; lot optional. An empty location means
// `receiving_location`.
ParsedCsv<store::StockImportRow> ParseStockCsv(std::string_view text, std::string_view receiving_location);

// Exports, read page by page from `store`. Each imports back through the parsers above.
//
// Items: with `with_stock`, an item whose whole stock is one balance at its home location
// carries it (quantity and lot), so that importing the file gives the same items and the same
// balances; an item whose stock lies elsewhere or in several balances gets an empty quantity
// (its stock is in the stock export) and is counted in `*stock_elsewhere`.
store::Result<std::string> ExportItemsCsv(store::Store& store, bool with_stock, std::size_t* stock_elsewhere);
// Non-zero balances as sku,location,lot,quantity, of `location` and below when given.
store::Result<std::string> ExportStockCsv(store::Store& store, const std::optional<std::string>& location);
// The ledger, with at_ms in [from_ms, to_ms) when given.
store::Result<std::string> ExportMovementsCsv(store::Store& store, std::optional<std::int64_t> from_ms,
                                              std::optional<std::int64_t> to_ms);

// An RFC 3339 time ("2026-12-04T10:00:00Z") or a date ("2026-12-04", midnight UTC) in unix
// milliseconds, as the time-range parameters of exports take it.
std::optional<std::int64_t> ParseTimeParameter(std::string_view text);

// The rows an import refused (`error` and its other_rows), each at its line of the file.
// REQUIRES: `lines` are the lines of the rows the import was given; a row beyond them is skipped.
std::vector<CsvRowError> ImportRowErrors(const store::Error& error, const std::vector<std::size_t>& lines);

// "line 7: quantity: must be ..." for people and logs.
std::string DescribeCsvError(const CsvRowError& error);

}  // namespace stockroom::api
