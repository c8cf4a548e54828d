// Users as the authentication layer sees them, and the rules of changing them. Value types
// and pure functions.
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "stockroom/auth/permissions.h"

namespace stockroom::auth {

struct User {
  std::int64_t id = 0;
  std::string username;
  std::string password_hash;  // libsodium crypto_pwhash_str output (Argon2id, PHC string)
  Role role = Role::kWarehouseStaff;
  bool disabled = false;
  std::int64_t created_at_ms = 0;
  std::int64_t updated_at_ms = 0;
};

// What an admin (or the user, for the password) may change; unset members stay as they are.
struct UserChanges {
  std::optional<Role> role;
  std::optional<bool> disabled;
  std::optional<std::string> password_hash;
};

struct NewUser {
  std::string username;
  std::string password_hash;
  Role role = Role::kWarehouseStaff;
};

// True when `changes` would leave no active admin among `users` (`user` is one of them):
// it demotes or disables an active admin and no other active admin exists.
bool RemovesLastActiveAdmin(const User& user, const UserChanges& changes, const std::vector<User>& users);

// The audit details of a change from `before` to `after`:
// {"before": {"role", "disabled"}, "after": {"role", "disabled"}, "password_reset"}.
boost::json::object DescribeUserChange(const User& before, const User& after, bool password_reset);

}  // namespace stockroom::auth
