// Reports (docs/api.md "Reports"): low stock, stock by location, movements per item over a
// period. JSON, or CSV when the client sends Accept: text/csv.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <optional>

#include "json_io.h"
#include "stockroom/api/routes.h"
#include "stockroom/inventory/csv.h"

namespace stockroom::api {
namespace {

using auth::Permission;
using http::Access;
using http::Context;
using http::Method;
using http::Pool;
using http::Response;
using inventory::Decimal;

constexpr std::size_t kMaxReportRows = 100'000;

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// A qvalue (RFC 9110 12.4.2): "0", "1" or either with up to three decimals ("0.5",
// "1.000"); nullopt for anything else.
std::optional<double> ParseQvalue(std::string_view text) {
  if (text.empty() || (text[0] != '0' && text[0] != '1')) return std::nullopt;
  if (text.size() == 1) return text[0] - '0';
  if (text[1] != '.' || text.size() > 5) return std::nullopt;
  double value = text[0] - '0', scale = 0.1;
  for (char c : text.substr(2)) {
    if (c < '0' || c > '9') return std::nullopt;
    value += (c - '0') * scale;
    scale /= 10;
  }
  return value <= 1 ? std::optional(value) : std::nullopt;
}

// How the Accept header takes a media type: the weight of the most specific range matching
// it (the type itself: specificity 3, then "text/*": 2, then "*/*": 1; RFC 9110 12.5.1).
// REQUIRES: `type` in lower case.
struct AcceptMatch {
  double weight = 0;    // 0 when no range matches; a malformed weight counts as 0
  int specificity = 0;  // 0 when no range matches
};

AcceptMatch MatchAccept(std::string_view accept, std::string_view type) {
  const std::string_view major = type.substr(0, type.find('/'));
  int best_specificity = 0;
  double weight = 0;
  while (!accept.empty()) {
    const std::size_t comma = accept.find(',');
    const std::string_view range = accept.substr(0, comma);
    accept = comma == std::string_view::npos ? std::string_view() : accept.substr(comma + 1);
    const std::size_t semicolon = range.find(';');
    const std::string media = MediaType(range);
    int specificity = 0;
    if (media == type) specificity = 3;
    else if (media == std::string(major) + "/*") specificity = 2;
    else if (media == "*/*") specificity = 1;
    if (specificity == 0 || specificity < best_specificity) continue;
    double q = 1;
    for (std::string_view params = semicolon == std::string_view::npos ? "" : range.substr(semicolon + 1);
         !params.empty();) {
      const std::size_t next = params.find(';');
      const std::string_view param = Trim(params.substr(0, next));
      params = next == std::string_view::npos ? std::string_view() : params.substr(next + 1);
      if (param.size() >= 2 && (param[0] == 'q' || param[0] == 'Q') && param[1] == '=') {
        q = ParseQvalue(param.substr(2)).value_or(0);
      }
    }
    weight = specificity > best_specificity ? q : std::max(weight, q);
    best_specificity = specificity;
  }
  return {weight, best_specificity};
}

// CSV when the Accept header gives text/csv a higher weight than application/json, or the
// same weight above 0 through a more specific range ("text/csv, */*"); JSON otherwise (no
// header, "text/csv, application/json", wildcards alone).
bool WantsCsv(const http::Request& request) {
  const std::string_view accept = request.Header("accept").value_or("");
  const AcceptMatch csv = MatchAccept(accept, "text/csv");
  const AcceptMatch json = MatchAccept(accept, "application/json");
  if (csv.weight != json.weight) return csv.weight > json.weight;
  return csv.weight > 0 && csv.specificity > json.specificity;
}

// The report handlers answer JSON or CSV by Accept, so caches must key on it (RFC 9110 12.5.5).
template <class Handler>
http::Handler VaryOnAccept(Handler handler) {
  return [handler](Context& context) {
    Response response = handler(context);
    response.SetHeader("vary", "Accept");
    return response;
  };
}

Response Csv(std::string body) {
  Response response;
  response.body = std::move(body);
  response.SetHeader("content-type", "text/csv; charset=utf-8");
  return response;
}

Response TooLarge() {
  return http::MakeProblem(422, "report-too-large",
                           fmt::format("the report has more than {} rows; narrow it down", kMaxReportRows));
}

Response LowStock(const Services& services, Context& context) {
  store::ItemQuery query;
  query.below_reorder = true;
  query.limit = 500;
  std::vector<inventory::Item> items;
  while (true) {
    auto page = services.store.ListItems(query);
    if (!page) return StoreProblem(page.error(), "items");
    for (auto& item : page->items) items.push_back(std::move(item));
    if (items.size() > kMaxReportRows) return TooLarge();
    if (!page->next_after_id) break;
    query.after_id = *page->next_after_id;
  }
  auto shortfall = [](const inventory::Item& item) {
    const auto& f = item.fields;
    return Decimal::FromUnits(f.reorder_point.units() - f.quantity.units(),
                              std::max(f.reorder_point.scale(), f.quantity.scale()))
        .ToString();
  };
  if (WantsCsv(context.request)) {
    std::string out;
    inventory::AppendCsvRecord(out, {"item_id", "sku", "name", "unit", "quantity", "reorder_point", "shortfall"});
    for (const auto& item : items) {
      const auto& f = item.fields;
      inventory::AppendCsvRecord(out, {std::to_string(item.id), f.sku, f.name, f.unit, f.quantity.ToString(),
                                       f.reorder_point.ToString(), shortfall(item)});
    }
    return Csv(std::move(out));
  }
  boost::json::array rows;
  for (const auto& item : items) {
    const auto& f = item.fields;
    rows.push_back({{"item_id", item.id},
                    {"sku", f.sku},
                    {"name", f.name},
                    {"unit", f.unit},
                    {"quantity", f.quantity.ToString()},
                    {"reorder_point", f.reorder_point.ToString()},
                    {"shortfall", shortfall(item)}});
  }
  return JsonResponse(200, boost::json::object{{"items", std::move(rows)}});
}

Response StockByLocation(const Services& services, Context& context) {
  store::StockQuery query;
  query.limit = 5000;
  std::vector<http::FieldError> errors;
  VisitQuery(context.request.query, [&](const std::string& key, const std::string& value) {
    if (key == "location") {
      if (auto parsed = inventory::ParseLocationRef(value); parsed.ref) query.location = value;
      else errors.push_back({"location", parsed.error.message});
    }
  });
  if (!errors.empty()) return ValidationProblem(std::move(errors));
  std::map<std::string, std::vector<store::StockRow>> by_location;
  std::size_t count = 0;
  while (true) {
    auto page = services.store.ListStock(query);
    if (!page) return StoreProblem(page.error(), "location");
    for (auto& row : page->rows) by_location[row.balance.location].push_back(std::move(row));
    count += page->rows.size();
    if (count > kMaxReportRows) return TooLarge();
    if (!page->next) break;
    query.after_item_id = page->next->item_id;
    query.after_location_id = page->next->location_id;
    query.after_lot = page->next->lot;
  }
  if (WantsCsv(context.request)) {
    std::string out;
    inventory::AppendCsvRecord(out, {"location", "item_id", "sku", "lot", "quantity"});
    for (const auto& [location, rows] : by_location) {
      for (const auto& row : rows) {
        inventory::AppendCsvRecord(out, {location, std::to_string(row.item_id), row.sku, row.balance.lot,
                                         row.balance.quantity.ToString()});
      }
    }
    return Csv(std::move(out));
  }
  boost::json::array locations;
  for (const auto& [location, rows] : by_location) {
    boost::json::array balances;
    for (const auto& row : rows) {
      balances.push_back({{"item_id", row.item_id},
                          {"sku", row.sku},
                          {"lot", row.balance.lot},
                          {"quantity", row.balance.quantity.ToString()}});
    }
    locations.push_back({{"location", location}, {"balances", std::move(balances)}});
  }
  return JsonResponse(200, boost::json::object{{"locations", std::move(locations)}});
}

Response MovementsSummary(const Services& services, Context& context) {
  const std::int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count();
  std::optional<std::int64_t> from_ms, to_ms;
  std::vector<http::FieldError> errors;
  VisitQuery(context.request.query, [&](const std::string& key, const std::string& value) {
    ReadTimeRangeParameter(key, value, from_ms, to_ms, errors);
  });
  const std::int64_t from = from_ms.value_or(now - 30LL * 86400 * 1000), to = to_ms.value_or(now + 1);
  CheckTimeRange(from, to, errors);  // with the defaults: a lone `from` in the future is refused too
  if (!errors.empty()) return ValidationProblem(std::move(errors));
  auto summaries = services.store.SummarizeMovements(from, to);
  if (!summaries) return StoreProblem(summaries.error(), "movement");
  auto show = [](std::int64_t units) { return Decimal::FromUnits(units, 0).ToString(); };
  if (WantsCsv(context.request)) {
    std::string out;
    inventory::AppendCsvRecord(out, {"item_id", "sku", "movements", "received", "issued", "transferred"});
    for (const auto& s : *summaries) {
      inventory::AppendCsvRecord(out, {std::to_string(s.item_id), s.sku, std::to_string(s.movements),
                                       show(s.received_units), show(s.issued_units), show(s.transferred_units)});
    }
    return Csv(std::move(out));
  }
  boost::json::array items;
  for (const auto& s : *summaries) {
    items.push_back({{"item_id", s.item_id},
                     {"sku", s.sku},
                     {"movements", s.movements},
                     {"received", show(s.received_units)},
                     {"issued", show(s.issued_units)},
                     {"transferred", show(s.transferred_units)}});
  }
  return JsonResponse(200, boost::json::object{
                               {"from", FormatTimestamp(from)}, {"to", FormatTimestamp(to)}, {"items", std::move(items)}});
}

}  // namespace

void AddReportRoutes(http::Router& router, const Services& services) {
  const Access view = Access::Requires(Permission::kViewInventory);
  router.Add(Method::kGet, "/api/v1/reports/low-stock", view, Pool::kDatabase,
             VaryOnAccept(Bind(services, LowStock)));
  router.Add(Method::kGet, "/api/v1/reports/stock-by-location", view, Pool::kDatabase,
             VaryOnAccept(Bind(services, StockByLocation)));
  router.Add(Method::kGet, "/api/v1/reports/movements-summary", view, Pool::kDatabase,
             VaryOnAccept(Bind(services, MovementsSummary)));
}

}  // namespace stockroom::api
