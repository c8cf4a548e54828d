// stockroom <command>: the command-line entry point. Parses options, then calls the libraries.
#include <sys/stat.h>

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <iostream>

#include "cli/commands.h"

int main(int argc, char** argv) {
  // Everything Stockroom creates (database, WAL, keys) holds password hashes or secrets:
  // readable by its owner only, whatever the caller's umask.
  ::umask(077);
  CLI::App app{"Stockroom: inventory service for manufacturing plants"};
  app.require_subcommand(1);
  app.fallthrough();
  stockroom::cli::CommonOptions common;
  app.add_option("--data-dir", common.data_dir,
                 "Data directory holding the database and signing keys")
      ->envname("STOCKROOM_DATA_DIR")
      ->capture_default_str();
  stockroom::cli::AddServeCommand(app, common);
  stockroom::cli::AddUserCommands(app, common);
  stockroom::cli::AddTokenCommands(app, common);
  stockroom::cli::AddAuditCommands(app, common);
  stockroom::cli::AddTransferCommands(app, common);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help exits 0; every usage error exits 2, as is usual for command-line tools.
    return app.exit(e) == 0 ? 0 : 2;
  }
  return stockroom::cli::ExitCode();
}
