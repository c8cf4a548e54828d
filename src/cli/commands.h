// Subcommands of the stockroom binary. Each Add* function registers a subcommand whose
// callback runs the command and stores its exit status for ExitCode().
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "stockroom/inventory/location.h"

namespace stockroom::cli {

struct CommonOptions {
  std::string data_dir = "./var";
};

void AddServeCommand(CLI::App& app, const CommonOptions& common);
void AddUserCommands(CLI::App& app, const CommonOptions& common);
// `token verify|decode|sign` and `keys generate|public` (src/cli/token.cc), with the data
// directory's key commands `keys rotate|list|retire` (src/cli/keys.cc).
void AddTokenCommands(CLI::App& app, const CommonOptions& common);
void AddKeyRingCommands(CLI::App& keys, const CommonOptions& common);
// `audit verify` and `audit verify-stock` (src/cli/audit.cc).
void AddAuditCommands(CLI::App& app, const CommonOptions& common);
// `import items|stock` and `export items|stock|movements` (src/cli/transfer.cc).
void AddTransferCommands(CLI::App& app, const CommonOptions& common);

// Adds to `command`'s --help the global option it uses: --data-dir (STOCKROOM_DATA_DIR).
inline void NoteDataDir(CLI::App* command) {
  command->footer("Data directory: --data-dir DIR (or STOCKROOM_DATA_DIR), anywhere on the command line; "
                  "default ./var. It must be one a server has started in.");
}

// Checks --receiving-location: one location code (not a path: a path's upper levels could be
// moved or deleted under it; a code names its location wherever it is in the tree).
inline CLI::Validator ReceivingLocationCode() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        auto problem = inventory::CheckLocationCode(text);
        return problem ? "must be one location code, which " + *problem : "";
      },
      "CODE");
}

// Records the exit status of the command that ran; returned by main.
void SetExitCode(int code);
int ExitCode();

}  // namespace stockroom::cli
