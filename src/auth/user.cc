#include "stockroom/auth/user.h"

#include <algorithm>

namespace stockroom::auth {

bool RemovesLastActiveAdmin(const User& user, const UserChanges& changes, const std::vector<User>& users) {
  const bool active_admin = user.role == Role::kAdmin && !user.disabled;
  const bool stays = changes.role.value_or(user.role) == Role::kAdmin && !changes.disabled.value_or(user.disabled);
  if (!active_admin || stays) return false;
  return std::none_of(users.begin(), users.end(), [&](const User& other) {
    return other.id != user.id && other.role == Role::kAdmin && !other.disabled;
  });
}

boost::json::object DescribeUserChange(const User& before, const User& after, bool password_reset) {
  auto state = [](const User& user) {
    return boost::json::object{{"role", RoleName(user.role)}, {"disabled", user.disabled}};
  };
  return boost::json::object{{"before", state(before)}, {"after", state(after)}, {"password_reset", password_reset}};
}

}  // namespace stockroom::auth
