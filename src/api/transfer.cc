// CSV import and export (docs/api.md "CSV"): /api/v1/import/items, /api/v1/import/stock,
// /api/v1/export/items.csv, /api/v1/export/stock.csv, /api/v1/export/movements.csv.
#include <fmt/format.h>

#include "json_io.h"
#include "stockroom/api/csv_formats.h"
#include "stockroom/api/routes.h"

namespace stockroom::api {
namespace {

using auth::Permission;
using http::Access;
using http::Context;
using http::Method;
using http::Pool;
using http::Response;

Response CsvResponse(std::string body, std::string_view filename) {
  Response response;
  response.status = 200;
  response.body = std::move(body);
  response.SetHeader("content-type", "text/csv; charset=utf-8");
  response.SetHeader("content-disposition", fmt::format("attachment; filename=\"{}\"", filename));
  return response;
}

std::optional<Response> RequireCsv(const http::Request& request) {
  if (MediaType(request.Header("content-type").value_or("")) != "text/csv") {
    return http::MakeProblem(415, "unsupported-media-type", "send the file as Content-Type: text/csv");
  }
  return std::nullopt;
}

template <class Row>
Response CsvProblem(const ParsedCsv<Row>& parsed) {
  boost::json::array errors;
  for (const auto& error : parsed.errors) {
    errors.push_back({{"line", error.line}, {"field", error.column}, {"detail", error.message}});
  }
  const std::size_t total = parsed.errors.size() + parsed.more_errors;
  boost::json::object extensions{{"errors", std::move(errors)}};
  std::string detail = fmt::format("{} problem{} in the file; nothing was imported. First: {}", total,
                                   total == 1 ? "" : "s", DescribeCsvError(parsed.errors.front()));
  return http::MakeProblem(422, "invalid-csv", detail, {}, extensions);
}

// An error of the store while importing: the rows at fault, each with its line of the file.
Response ImportStoreProblem(const store::Error& error, const std::vector<std::size_t>& lines) {
  const std::vector<CsvRowError> rows = ImportRowErrors(error, lines);
  if (rows.empty()) return StoreProblem(error, "import");  // not a row's fault: the database
  boost::json::array errors;
  for (const CsvRowError& row : rows) {
    errors.push_back({{"line", row.line}, {"field", row.column}, {"detail", row.message}});
  }
  const std::string more =
      rows.size() == 1                             ? ""
      : !error.rows_unchecked ? fmt::format(" (and {} more rows)", rows.size() - 1)
                              : fmt::format(" (and {} more rows; checking stopped there)", rows.size() - 1);
  return http::MakeProblem(error.code == store::Errc::kInvalid ? 422 : 409, "import-rejected",
                           fmt::format("{}{}; nothing was imported", DescribeCsvError(rows.front()), more), {},
                           boost::json::object{{"errors", std::move(errors)}});
}

Response ImportSummaryResponse(const store::ImportSummary& summary, bool dry_run, std::size_t rows) {
  return JsonResponse(dry_run ? 200 : 201, boost::json::object{{"dry_run", dry_run},
                                                               {"rows", rows},
                                                               {"items_created", summary.items_created},
                                                               {"movements", summary.movements},
                                                               {"locations_created", summary.locations_created}});
}

Response ImportItems(const Services& services, Context& context) {
  if (auto problem = RequireCsv(context.request)) return std::move(*problem);
  bool dry_run = false;
  bool with_stock = true;
  std::vector<http::FieldError> errors;
  VisitQuery(context.request.query, [&](const std::string& key, const std::string& value) {
    if (key == "dry_run" || key == "stock") {
      if (auto flag = ParseBool(value)) (key == "dry_run" ? dry_run : with_stock) = *flag;
      else errors.push_back({key, "must be true or false"});
    }
  });
  if (!errors.empty()) return ValidationProblem(std::move(errors));
  auto parsed = ParseItemsCsv(context.request.body, services.receiving_location, with_stock);
  if (!parsed.errors.empty()) return CsvProblem(parsed);
  auto summary = services.store.ImportItems(parsed.rows, ActorOf(context), {dry_run, {}});
  if (!summary) return ImportStoreProblem(summary.error(), parsed.lines);
  return ImportSummaryResponse(*summary, dry_run, parsed.rows.size());
}

Response ImportStock(const Services& services, Context& context) {
  if (auto problem = RequireCsv(context.request)) return std::move(*problem);
  bool dry_run = false;
  store::StockImportMode mode = store::StockImportMode::kReceive;
  std::vector<http::FieldError> errors;
  VisitQuery(context.request.query, [&](const std::string& key, const std::string& value) {
    if (key == "dry_run") {
      if (auto flag = ParseBool(value)) dry_run = *flag;
      else errors.push_back({"dry_run", "must be true or false"});
    } else if (key == "mode") {
      if (value == "receive") mode = store::StockImportMode::kReceive;
      else if (value == "count") mode = store::StockImportMode::kCount;
      else errors.push_back({"mode", "must be receive (the default) or count"});
    }
  });
  if (!errors.empty()) return ValidationProblem(std::move(errors));
  auto parsed = ParseStockCsv(context.request.body, services.receiving_location);
  if (!parsed.errors.empty()) return CsvProblem(parsed);
  auto summary = services.store.ImportStock(parsed.rows, mode, ActorOf(context), {dry_run, {}});
  if (!summary) return ImportStoreProblem(summary.error(), parsed.lines);
  return ImportSummaryResponse(*summary, dry_run, parsed.rows.size());
}

Response ExportItems(const Services& services, Context& context) {
  bool with_stock = true;
  std::vector<http::FieldError> errors;
  VisitQuery(context.request.query, [&](const std::string& key, const std::string& value) {
    if (key == "stock") {
      if (auto flag = ParseBool(value)) with_stock = *flag;
      else errors.push_back({"stock", "must be true or false"});
    }
  });
  if (!errors.empty()) return ValidationProblem(std::move(errors));
  std::size_t stock_elsewhere = 0;
  auto out = ExportItemsCsv(services.store, with_stock, &stock_elsewhere);
  if (!out) return StoreProblem(out.error(), "items");
  Response response = CsvResponse(std::move(*out), "items.csv");
  // Items whose quantity is left empty: their stock is in several balances or away from home.
  response.SetHeader("stockroom-items-stock-elsewhere", std::to_string(stock_elsewhere));
  return response;
}

Response ExportStock(const Services& services, Context& context) {
  store::StockQuery query;
  std::vector<http::FieldError> errors;
  VisitQuery(context.request.query, [&](const std::string& key, const std::string& value) {
    if (key == "location") {
      if (auto parsed = inventory::ParseLocationRef(value); parsed.ref) query.location = value;
      else errors.push_back({"location", parsed.error.message});
    }
  });
  if (!errors.empty()) return ValidationProblem(std::move(errors));
  auto out = ExportStockCsv(services.store, query.location);
  if (!out) return StoreProblem(out.error(), "location");
  return CsvResponse(std::move(*out), "stock.csv");
}

Response ExportMovements(const Services& services, Context& context) {
  store::MovementQuery query;
  std::vector<http::FieldError> errors;
  VisitQuery(context.request.query, [&](const std::string& key, const std::string& value) {
    ReadTimeRangeParameter(key, value, query.from_ms, query.to_ms, errors);
  });
  CheckTimeRange(query.from_ms, query.to_ms, errors);
  if (!errors.empty()) return ValidationProblem(std::move(errors));
  auto out = ExportMovementsCsv(services.store, query.from_ms, query.to_ms);
  if (!out) return StoreProblem(out.error(), "movement");
  return CsvResponse(std::move(*out), "movements.csv");
}

}  // namespace

void AddTransferRoutes(http::Router& router, const Services& services) {
  router.Add(Method::kPost, "/api/v1/import/items", Access::Requires(Permission::kCreateItems), Pool::kDatabase,
             Bind(services, ImportItems));
  router.Add(Method::kPost, "/api/v1/import/stock", Access::Requires(Permission::kCreateItems), Pool::kDatabase,
             Bind(services, ImportStock));
  router.Add(Method::kGet, "/api/v1/export/items.csv", Access::Requires(Permission::kViewInventory), Pool::kDatabase,
             Bind(services, ExportItems));
  router.Add(Method::kGet, "/api/v1/export/stock.csv", Access::Requires(Permission::kViewInventory), Pool::kDatabase,
             Bind(services, ExportStock));
  router.Add(Method::kGet, "/api/v1/export/movements.csv", Access::Requires(Permission::kViewInventory),
             Pool::kDatabase, Bind(services, ExportMovements));
}

}  // namespace stockroom::api
