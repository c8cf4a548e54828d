// `stockroom user add|list`: user administration from the shell.
#include <termios.h>
#include <unistd.h>

#include <fmt/format.h>
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
    auto store = OpenStore(PrepareDataDir(common.data_dir), store::Durability::kFull, 1);
    auth::PasswordHasher passwords;
    auto created = store->CreateUser({username, passwords.Hash(password), *role});
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
    auto store = OpenStore(PrepareDataDir(common.data_dir), store::Durability::kFull, 1);
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
  add->add_option("username", *username, "Login name: 1-64 of A-Z a-z 0-9 . _ @ -")->required();
  add->add_option("--role", *role, "admin or warehouse_staff")
      ->check(CLI::IsMember({"admin", "warehouse_staff"}))
      ->capture_default_str();
  add->callback([&common, username, role] { SetExitCode(AddUser(common, *username, *role)); });

  CLI::App* list = user->add_subcommand("list", "List users");
  list->fallthrough();
  list->callback([&common] { SetExitCode(ListUsers(common)); });
}

}  // namespace stockroom::cli
