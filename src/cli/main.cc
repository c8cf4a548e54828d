// stockroom <command>: the command-line entry point. Parses options, then calls the libraries.
#include <CLI/CLI.hpp>
#include <cstdlib>
#include <iostream>

#include "cli/commands.h"

int main(int argc, char** argv) {
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
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  return stockroom::cli::ExitCode();
}
