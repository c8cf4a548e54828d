#include "store/sqlite/common.h"

#include <chrono>
#include <fmt/format.h>

namespace stockroom::store::sqlite {

std::int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

bool IsUniqueViolation(const SqliteError& e) {
  return e.code() == SQLITE_CONSTRAINT_UNIQUE || e.code() == SQLITE_CONSTRAINT_PRIMARYKEY;
}

const char* const kItemColumns =
    "i.id, i.sku, i.name, i.description, i.category, i.kind, i.unit, i.quantity_units, i.quantity_scale, "
    "i.reorder_units, i.reorder_scale, i.location, i.created_at_ms, i.updated_at_ms, i.version, "
    "i.lot_tracked, i.precision, i.deleted_at_ms";

inventory::Item ReadItem(const Statement& row) {
  using inventory::Decimal;
  inventory::Item item;
  item.id = row.Int(0);
  item.fields.sku = row.Text(1);
  item.fields.name = row.Text(2);
  item.fields.description = row.Text(3);
  item.fields.category = row.Text(4);
  item.fields.kind = inventory::ItemKindFromName(row.Text(5)).value_or(inventory::ItemKind::kComponent);
  item.fields.unit = row.Text(6);
  item.fields.quantity = Decimal::FromUnits(row.Int(7), static_cast<int>(row.Int(8)));
  item.fields.reorder_point = Decimal::FromUnits(row.Int(9), static_cast<int>(row.Int(10)));
  item.fields.location = row.Text(11);
  item.created_at_ms = row.Int(12);
  item.updated_at_ms = row.Int(13);
  item.version = row.Int(14);
  item.fields.lot_tracked = row.Int(15) != 0;
  item.fields.precision = static_cast<int>(row.Int(16));
  if (!row.IsNull(17)) item.deleted_at_ms = row.Int(17);
  return item;
}

inventory::Item LoadItem(Connection& connection, std::int64_t id, bool include_deleted) {
  Statement query = connection.Prepare(
      fmt::format("SELECT {} FROM items i WHERE i.id = ?1{}", kItemColumns,
                  include_deleted ? "" : " AND i.deleted_at_ms IS NULL"));
  query.Bind(1, id);
  if (!query.Step()) Fail(Errc::kNotFound, "no such item");
  return ReadItem(query);
}

inventory::AuditRecord AppendAuditRecord(Connection& connection, const inventory::AuditEvent& event) {
  inventory::AuditRecord record;
  record.event = event;
  record.at_ms = NowMs();
  {
    Statement last = connection.Prepare("SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1");
    if (last.Step()) {
      record.id = last.Int(0) + 1;
      record.prev_hash = last.Text(1);
    } else {
      record.id = 1;
    }
  }
  record.hash = inventory::AuditHash(record);
  connection
      .Prepare(
          "INSERT INTO audit (id, at_ms, actor_sub, actor_name, address, action, target, details, prev_hash, hash) "
          "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)")
      .Bind(1, record.id)
      .Bind(2, record.at_ms)
      .Bind(3, event.actor_sub)
      .Bind(4, event.actor_name)
      .Bind(5, event.address)
      .Bind(6, event.action)
      .Bind(7, event.target)
      .Bind(8, event.details)
      .Bind(9, record.prev_hash)
      .Bind(10, record.hash)
      .Run();
  return record;
}

}  // namespace stockroom::store::sqlite
