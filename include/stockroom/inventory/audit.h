// The audit trail: an append-only, hash-chained record of every change and every security
// event. Each record's hash covers its fields and the previous record's hash, so editing,
// removing or reordering any record breaks the chain from that record on. Value types and
// pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "stockroom/inventory/item.h"
#include "stockroom/inventory/location.h"
#include "stockroom/inventory/movement.h"

namespace stockroom::inventory {

struct AuditEvent {
  std::string actor_sub;   // the user id acting ("" for the system or an unknown user)
  std::string actor_name;  // their username as they gave it (e.g. a failed login's)
  std::string address;     // client address, "" for the command line
  std::string action;      // "auth.login", "auth.login_failed", "user.update", ...
  std::string target;      // what was acted on: "user:7", "session:<sid>", "item:12", ...
  std::string details;     // a JSON object: before/after values and other facts
};

struct AuditRecord {
  std::int64_t id = 0;     // 1, 2, 3, ... in append order
  std::int64_t at_ms = 0;  // unix milliseconds
  AuditEvent event;
  std::string prev_hash;   // hash of record id - 1 ("" for the first)
  std::string hash;        // AuditHash of this record
};

// base64url(SHA-256) of the canonical serialization of the record's id, time, event and
// prev_hash (a JSON array in a fixed order, so the same record always hashes the same).
std::string AuditHash(const AuditRecord& record);

// The first record, in order, whose id, prev_hash or hash does not follow from the records
// before it, with why; nullopt when the whole sequence is intact. `records` are in stored
// order and continue a chain whose next id is `first_id` and last hash `prev_hash` (1 and ""
// for the whole trail), so a long trail can be checked page by page.
struct AuditBreak {
  std::int64_t id;
  std::string why;
};
std::optional<AuditBreak> VerifyAuditChain(const std::vector<AuditRecord>& records, std::int64_t first_id = 1,
                                           std::string prev_hash = {});

// Audit details of inventory changes: JSON objects {"before": {...}, "after": {...}} holding
// only the fields that changed (all of them on create, "before" null; on delete "after" null).

std::string ItemChangeDetails(const ItemFields* before, const ItemFields* after);
std::string LocationChangeDetails(const Location* before, const Location* after);
// The movement as recorded: type, item, quantity, locations, lot, reference, reason and the
// resulting balance of each line.
std::string MovementDetails(const Movement& movement);

}  // namespace stockroom::inventory
