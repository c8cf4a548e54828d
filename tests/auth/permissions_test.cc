#include "stockroom/auth/permissions.h"

#include <gtest/gtest.h>

namespace stockroom::auth {
namespace {

// The table of docs/architecture.md section 1, written out independently of the code.
struct Row {
  Permission permission;
  bool admin;
  bool staff;
};

constexpr Row kTable[] = {
    {Permission::kViewInventory, true, true},   {Permission::kUpdateItems, true, true},
    {Permission::kRecordMovements, true, true}, {Permission::kCreateItems, true, false},
    {Permission::kDeleteItems, true, false},    {Permission::kUpdateLocations, true, true},
    {Permission::kCreateLocations, true, false}, {Permission::kDeleteLocations, true, false},
    {Permission::kManageUsers, true, false},
    {Permission::kManageKeys, true, false},     {Permission::kManageSettings, true, false},
    {Permission::kViewAudit, true, false},
};

TEST(PermissionsTest, MatchesTheDesignTable) {
  for (const Row& row : kTable) {
    EXPECT_EQ(RoleAllows(Role::kAdmin, row.permission), row.admin) << PermissionName(row.permission);
    EXPECT_EQ(RoleAllows(Role::kWarehouseStaff, row.permission), row.staff) << PermissionName(row.permission);
  }
}

TEST(PermissionsTest, RoleNamesAreExact) {
  EXPECT_EQ(RoleFromName("admin"), Role::kAdmin);
  EXPECT_EQ(RoleFromName("warehouse_staff"), Role::kWarehouseStaff);
  EXPECT_FALSE(RoleFromName("Admin"));
  EXPECT_FALSE(RoleFromName("admin "));
  EXPECT_FALSE(RoleFromName(""));
  EXPECT_EQ(RoleName(Role::kWarehouseStaff), "warehouse_staff");
}

}  // namespace
}  // namespace stockroom::auth
