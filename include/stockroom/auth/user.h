// Users as the authentication layer sees them. Value types.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

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

}  // namespace stockroom::auth
