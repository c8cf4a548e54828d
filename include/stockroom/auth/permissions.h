// Roles and the permission table of docs/architecture.md section 1: the one place that
// decides what each role may do. Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string_view>

namespace stockroom::auth {

enum class Role { kAdmin, kWarehouseStaff };

enum class Permission {
  kViewInventory,    // items, stock, history
  kUpdateItems,      // change item fields
  kRecordMovements,  // stock movements
  kCreateItems,
  kDeleteItems,
  kUpdateLocations,  // rename, re-parent
  kCreateLocations,
  kDeleteLocations,
  kManageUsers,
  kManageKeys,
  kManageSettings,
  kViewAudit,  // the audit trail (who did what, from where)
};

// Returns true when `role` may perform actions guarded by `permission`.
bool RoleAllows(Role role, Permission permission);

// "admin" | "warehouse_staff"; nullopt for anything else (exact, case-sensitive).
std::optional<Role> RoleFromName(std::string_view name);
std::string_view RoleName(Role role);
std::string_view PermissionName(Permission permission);

}  // namespace stockroom::auth
