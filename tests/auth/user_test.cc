#include "stockroom/auth/user.h"

#include <gtest/gtest.h>

namespace stockroom::auth {
namespace {

User Make(std::int64_t id, Role role, bool disabled = false) {
  User user;
  user.id = id;
  user.username = "u" + std::to_string(id);
  user.role = role;
  user.disabled = disabled;
  return user;
}

TEST(UserTest, TheLastActiveAdminCannotBeDemotedOrDisabled) {
  const User admin = Make(1, Role::kAdmin);
  const std::vector<User> alone = {admin, Make(2, Role::kWarehouseStaff), Make(3, Role::kAdmin, /*disabled=*/true)};
  UserChanges demote;
  demote.role = Role::kWarehouseStaff;
  UserChanges disable;
  disable.disabled = true;
  UserChanges reset;
  reset.password_hash = "$argon2id$new";
  EXPECT_TRUE(RemovesLastActiveAdmin(admin, demote, alone));
  EXPECT_TRUE(RemovesLastActiveAdmin(admin, disable, alone));
  EXPECT_FALSE(RemovesLastActiveAdmin(admin, reset, alone));
  const std::vector<User> two = {admin, Make(4, Role::kAdmin)};
  EXPECT_FALSE(RemovesLastActiveAdmin(admin, demote, two));
  // Changing a staff member or an already disabled admin never removes an active admin.
  EXPECT_FALSE(RemovesLastActiveAdmin(alone[1], disable, alone));
  EXPECT_FALSE(RemovesLastActiveAdmin(alone[2], demote, alone));
}

TEST(UserTest, DescribesAChange) {
  const User before = Make(7, Role::kAdmin);
  const User after = Make(7, Role::kWarehouseStaff, true);
  const auto details = DescribeUserChange(before, after, true);
  EXPECT_EQ(details.at("before").at("role").as_string(), "admin");
  EXPECT_EQ(details.at("after").at("role").as_string(), "warehouse_staff");
  EXPECT_TRUE(details.at("after").at("disabled").as_bool());
  EXPECT_TRUE(details.at("password_reset").as_bool());
}

}  // namespace
}  // namespace stockroom::auth
