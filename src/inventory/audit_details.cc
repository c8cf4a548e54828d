#include <boost/json.hpp>

#include "stockroom/inventory/audit.h"

namespace stockroom::inventory {
namespace {

boost::json::object ItemState(const ItemFields& f) {
  return {{"sku", f.sku},
          {"name", f.name},
          {"description", f.description},
          {"category", f.category},
          {"kind", ItemKindName(f.kind)},
          {"unit", f.unit},
          {"reorder_point", f.reorder_point.ToString()},
          {"location", f.location},
          {"lot_tracked", f.lot_tracked},
          {"precision", f.precision}};
}

boost::json::object LocationState(const Location& l) {
  return {{"code", l.code}, {"name", l.name}, {"parent", l.parent ? boost::json::value(*l.parent) : nullptr}};
}

// Keeps in both objects only the members whose values differ.
std::string ChangeDetails(const boost::json::object* before, const boost::json::object* after) {
  boost::json::object out;
  if (before && after) {
    boost::json::object b, a;
    for (const auto& member : *after) {
      const auto* old = before->if_contains(member.key());
      if (!old || *old != member.value()) {
        a[member.key()] = member.value();
        b[member.key()] = old ? *old : nullptr;
      }
    }
    out["before"] = std::move(b);
    out["after"] = std::move(a);
  } else {
    out["before"] = before ? boost::json::value(*before) : nullptr;
    out["after"] = after ? boost::json::value(*after) : nullptr;
  }
  return boost::json::serialize(out);
}

}  // namespace

std::string ItemChangeDetails(const ItemFields* before, const ItemFields* after) {
  std::optional<boost::json::object> b, a;
  if (before) b = ItemState(*before);
  if (after) a = ItemState(*after);
  return ChangeDetails(b ? &*b : nullptr, a ? &*a : nullptr);
}

std::string LocationChangeDetails(const Location* before, const Location* after) {
  std::optional<boost::json::object> b, a;
  if (before) b = LocationState(*before);
  if (after) a = LocationState(*after);
  return ChangeDetails(b ? &*b : nullptr, a ? &*a : nullptr);
}

std::string MovementDetails(const Movement& m) {
  boost::json::array lines;
  for (const auto& line : m.lines) {
    lines.push_back({{"location", line.location},
                     {"lot", line.lot},
                     {"change", FormatSignedUnits(line.delta_units, m.quantity.scale())},
                     {"balance", line.balance_after.ToString()}});
  }
  boost::json::object details{{"type", MovementTypeName(m.type)},
                              {"item_id", m.item_id},
                              {"sku", m.sku},
                              {"quantity", m.quantity.ToString()},
                              {"from_location", m.from_location ? boost::json::value(*m.from_location) : nullptr},
                              {"to_location", m.to_location ? boost::json::value(*m.to_location) : nullptr},
                              {"lot", m.lot},
                              {"reference", m.reference},
                              {"reason", m.reason},
                              {"reverses", m.reverses ? boost::json::value(*m.reverses) : nullptr},
                              {"lines", std::move(lines)}};
  return boost::json::serialize(details);
}

}  // namespace stockroom::inventory
