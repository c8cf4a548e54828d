// `stockroom keys rotate|list|retire`: the server's signing keys in the data directory.
#include <chrono>
#include <fmt/format.h>
#include <iostream>

#include "cli/commands.h"
#include "cli/data_dir.h"
#include "stockroom/auth/signing_key.h"

namespace stockroom::cli {
namespace {

std::int64_t Now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

int Rotate(const CommonOptions& common, const std::string& alg_name) {
  try {
    const auto data_dir = ExistingDataDir(common.data_dir);
    std::optional<jose::Algorithm> alg;
    if (!alg_name.empty()) {
      alg = jose::AlgorithmFromName(alg_name);
      if (!alg) throw std::runtime_error("--alg must be one of HS256 ... EdDSA, not '" + alg_name + "'");
    } else {
      alg = auth::ActiveKeyAlgorithm(data_dir).value_or(jose::Algorithm::kHS256);
    }
    const jose::Key key = auth::RotateSigningKey(data_dir, *alg, Now());
    std::cout << fmt::format("new signing key {} ({}) is active; restart the server to use it. Previous keys keep "
                             "verifying the tokens they signed.\n",
                             key.kid().value_or(""), jose::AlgorithmName(*alg));
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "stockroom keys rotate: " << e.what() << "\n";
    return 1;
  }
}

int List(const CommonOptions& common) {
  try {
    const auto keys = auth::ListSigningKeys(ExistingDataDir(common.data_dir));
    std::cout << fmt::format("{:<46} {:<6} {}\n", "KID", "ALG", "STATUS");
    for (const auto& key : keys) {
      std::string status = "active (signs)";
      if (!key.active) {
        const std::time_t at = static_cast<std::time_t>(key.rotated_at);
        std::tm tm{};
        gmtime_r(&at, &tm);
        status = fmt::format("verifies; rotated {:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", tm.tm_year + 1900, tm.tm_mon + 1,
                             tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
      }
      std::cout << fmt::format("{:<46} {:<6} {}\n", key.kid, key.algorithm, status);
    }
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "stockroom keys list: " << e.what() << "\n";
    return 1;
  }
}

int Retire(const CommonOptions& common, const std::string& kid) {
  try {
    if (!auth::RetirePreviousKey(ExistingDataDir(common.data_dir), kid)) {
      throw std::runtime_error("no previous key '" + kid + "' (the active key cannot be retired: rotate first)");
    }
    std::cout << fmt::format("key {} retired; tokens it signed stop verifying once the server restarts\n", kid);
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "stockroom keys retire: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace

void AddKeyRingCommands(CLI::App& keys, const CommonOptions& common) {
  auto alg = std::make_shared<std::string>();
  CLI::App* rotate = keys.add_subcommand("rotate", "Make a new signing key active; the previous ones keep verifying");
  rotate->fallthrough();
  NoteDataDir(rotate);
  rotate->add_option("--alg", *alg, "Algorithm of the new key (default: that of the active key, else HS256)");
  rotate->callback([&common, alg] { SetExitCode(Rotate(common, *alg)); });

  CLI::App* list = keys.add_subcommand("list", "List the signing keys of the data directory");
  list->fallthrough();
  NoteDataDir(list);
  list->callback([&common] { SetExitCode(List(common)); });

  auto kid = std::make_shared<std::string>();
  CLI::App* retire = keys.add_subcommand("retire", "Forget a previous key: the tokens it signed stop verifying");
  retire->fallthrough();
  NoteDataDir(retire);
  retire->add_option("kid", *kid, "The key id (see keys list)")->required();
  retire->callback([&common, kid] { SetExitCode(Retire(common, *kid)); });
}

}  // namespace stockroom::cli
