// `stockroom user add|list`: user administration from the shell.
#include <termios.h>
#include <unistd.h>

#include <boost/json/serialize.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <iostream>

#include "cli/commands.h"
#include "cli/data_dir.h"
#include "stockroom/auth/password.h"

namespace stockroom::cli {
namespace {

int exit_code = 0;

// Reads one line from stdin without echo when stdin is a terminal. Never from argv.
std::string ReadPassword() {
  const bool tty = ::isatty(STDIN_FILENO);
  termios saved{};
  if (tty) {
    std::cerr << "Password: " << std::flush;
    ::tcgetattr(STDIN_FILENO, &saved);
    termios quiet = saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    ::tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  }
  std::string line;
  std::getline(std::cin, line);
  if (tty) {
    ::tcsetattr(STDIN_FILENO, TCSANOW, &saved);
    std::cerr << "\n";
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

int AddUser(const CommonOptions& common, const std::string& username, const std::string& role_name) {
  try {
    auto role = auth::RoleFromName(role_name);
    if (!role) throw std::runtime_error("--role must be admin or warehouse_staff");
    if (auto problem = auth::CheckUsername(username)) throw std::runtime_error("username " + *problem);
    const std::string password = ReadPassword();
    if (auto problem = auth::CheckNewPassword(username, password)) throw std::runtime_error("password " + *problem);
    auto store = OpenStore(ExistingDataDir(common.data_dir), store::Durability::kFull, 1);
    auth::PasswordHasher passwords;
    auto created = store->CreateUser({username, passwords.Hash(password), *role}, {"", "cli", ""});
    if (!created) {
      if (created.error().code == store::Errc::kDuplicateUsername) throw std::runtime_error("user '" + username + "' exists");
      throw std::runtime_error(created.error().detail);
    }
    std::cout << fmt::format("created user {} (id {}, role {})\n", username, created->id, role_name);
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "stockroom user add: " << e.what() << "\n";
    return 1;
  }
}

int ListUsers(const CommonOptions& common) {
  try {
    auto store = OpenStore(ExistingDataDir(common.data_dir), store::Durability::kFull, 1);
    auto users = store->ListUsers();
    if (!users) throw std::runtime_error(users.error().detail);
    std::cout << fmt::format("{:<6} {:<24} {:<16} {}\n", "ID", "USERNAME", "ROLE", "STATUS");
    for (const auto& user : *users) {
      std::cout << fmt::format("{:<6} {:<24} {:<16} {}\n", user.id, user.username, auth::RoleName(user.role),
                               user.disabled ? "disabled" : "active");
    }
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "stockroom user list: " << e.what() << "\n";
    return 1;
  }
}

// Longest access token lifetime `serve` accepts (--token-ttl): a revocation written here must
// outlive every token it can name, whatever the running server's setting.
constexpr std::int64_t kLongestTokenSeconds = 30 * 86400;

// Every token `user_id` holds stops working: a running server picks this up within a second.
void RevokeTokensOf(store::Store& store, std::int64_t user_id) {
  const std::int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                               std::chrono::system_clock::now().time_since_epoch()).count();
  auto current = store.FindRevocation(auth::Revocation::Kind::kTokensIssuedBefore, std::to_string(user_id));
  if (!current) throw std::runtime_error(current.error().detail);
  const auth::Revocation revocation =
      auth::RevokeUserTokensAt(user_id, now, *current ? (*current)->not_before : 0, kLongestTokenSeconds + 300);
  if (auto added = store.AddRevocation(revocation); !added) throw std::runtime_error(added.error().detail);
}

struct UserChangeOptions {
  std::string username;
  std::string role;
  bool disable = false;
  bool enable = false;
  bool password = false;  // read a new password from stdin
};

int ChangeUser(const CommonOptions& common, const UserChangeOptions& options, const char* command) {
  try {
    auto store = OpenStore(ExistingDataDir(common.data_dir), store::Durability::kFull, 1);
    auto user = store->FindUserByName(options.username);
    if (!user) throw std::runtime_error("no user '" + options.username + "'");
    auth::UserChanges changes;
    if (!options.role.empty()) changes.role = auth::RoleFromName(options.role);
    if (options.disable) changes.disabled = true;
    if (options.enable) changes.disabled = false;
    if (options.password) {
      const std::string password = ReadPassword();
      if (auto problem = auth::CheckNewPassword(user->username, password)) throw std::runtime_error("password " + *problem);
      changes.password_hash = auth::PasswordHasher().Hash(password);
    }
    auto users = store->ListUsers();
    if (!users) throw std::runtime_error(users.error().detail);
    if (auth::RemovesLastActiveAdmin(*user, changes, *users)) {
      throw std::runtime_error("'" + user->username + "' is the last active admin; make another admin first");
    }
    auto updated = store->UpdateUser(user->id, changes, store::Store::UserAudit{{"", "cli", ""}, "user.update"});
    if (!updated) throw std::runtime_error(updated.error().detail);
    RevokeTokensOf(*store, user->id);
    std::cout << fmt::format("{}: role {}, {}; every token issued before now is revoked\n", updated->username,
                             auth::RoleName(updated->role), updated->disabled ? "disabled" : "active");
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "stockroom user " << command << ": " << e.what() << "\n";
    return 1;
  }
}

}  // namespace

void SetExitCode(int code) { exit_code = code; }
int ExitCode() { return exit_code; }

void AddUserCommands(CLI::App& app, const CommonOptions& common) {
  CLI::App* user = app.add_subcommand("user", "Manage users");
  user->require_subcommand(1);
  user->fallthrough();

  auto username = std::make_shared<std::string>();
  auto role = std::make_shared<std::string>("warehouse_staff");
  CLI::App* add = user->add_subcommand("add", "Add a user; the password is read from standard input");
  add->fallthrough();
  NoteDataDir(add);
  add->add_option("username", *username, "Login name: 1-64 of A-Z a-z 0-9 . _ @ -")->required();
  add->add_option("--role", *role, "admin or warehouse_staff")
      ->check(CLI::IsMember({"admin", "warehouse_staff"}))
      ->capture_default_str();
  add->callback([&common, username, role] { SetExitCode(AddUser(common, *username, *role)); });

  auto set_options = std::make_shared<UserChangeOptions>();
  CLI::App* set = user->add_subcommand(
      "set", "Change a user's role or status; their tokens stop working (a running server notices within a second)");
  set->fallthrough();
  NoteDataDir(set);
  set->add_option("username", set_options->username, "The user")->required();
  set->add_option("--role", set_options->role, "admin or warehouse_staff")->check(CLI::IsMember({"admin", "warehouse_staff"}));
  auto* disable = set->add_flag("--disable", set_options->disable, "Refuse logins and revoke every token");
  set->add_flag("--enable", set_options->enable, "Allow logins again")->excludes(disable);
  set->callback([&common, set_options] {
    if (set_options->role.empty() && !set_options->disable && !set_options->enable) {
      std::cerr << "stockroom user set: nothing to change (--role, --disable or --enable)\n";
      SetExitCode(2);
      return;
    }
    SetExitCode(ChangeUser(common, *set_options, "set"));
  });

  auto passwd_options = std::make_shared<UserChangeOptions>();
  passwd_options->password = true;
  CLI::App* passwd = user->add_subcommand(
      "passwd", "Set a user's password, read from standard input; their tokens stop working");
  passwd->fallthrough();
  NoteDataDir(passwd);
  passwd->add_option("username", passwd_options->username, "The user")->required();
  passwd->callback([&common, passwd_options] { SetExitCode(ChangeUser(common, *passwd_options, "passwd")); });

  CLI::App* list = user->add_subcommand("list", "List users");
  list->fallthrough();
  NoteDataDir(list);
  list->callback([&common] { SetExitCode(ListUsers(common)); });
}

}  // namespace stockroom::cli
