#include "stockroom/auth/permissions.h"

namespace stockroom::auth {

bool RoleAllows(Role role, Permission permission) {
  switch (role) {
    case Role::kAdmin:
      return true;
    case Role::kWarehouseStaff:
      switch (permission) {
        case Permission::kViewInventory:
        case Permission::kUpdateItems:
        case Permission::kRecordMovements:
        case Permission::kUpdateLocations:
          return true;
        case Permission::kCreateItems:
        case Permission::kDeleteItems:
        case Permission::kCreateLocations:
        case Permission::kDeleteLocations:
        case Permission::kManageUsers:
        case Permission::kManageKeys:
        case Permission::kManageSettings:
        case Permission::kViewAudit:
          return false;
      }
  }
  return false;
}

std::optional<Role> RoleFromName(std::string_view name) {
  if (name == "admin") return Role::kAdmin;
  if (name == "warehouse_staff") return Role::kWarehouseStaff;
  return std::nullopt;
}

std::string_view RoleName(Role role) {
  switch (role) {
    case Role::kAdmin: return "admin";
    case Role::kWarehouseStaff: return "warehouse_staff";
  }
  return "";
}

std::string_view PermissionName(Permission permission) {
  switch (permission) {
    case Permission::kViewInventory: return "view_inventory";
    case Permission::kUpdateItems: return "update_items";
    case Permission::kRecordMovements: return "record_movements";
    case Permission::kCreateItems: return "create_items";
    case Permission::kDeleteItems: return "delete_items";
    case Permission::kUpdateLocations: return "update_locations";
    case Permission::kCreateLocations: return "create_locations";
    case Permission::kDeleteLocations: return "delete_locations";
    case Permission::kManageUsers: return "manage_users";
    case Permission::kManageKeys: return "manage_keys";
    case Permission::kManageSettings: return "manage_settings";
    case Permission::kViewAudit: return "view_audit";
  }
  return "";
}

}  // namespace stockroom::auth
