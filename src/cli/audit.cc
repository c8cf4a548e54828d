// `stockroom audit verify`: checks the audit trail's hash chain.
#include <fmt/format.h>
#include <iostream>

#include "cli/commands.h"
#include "cli/data_dir.h"

namespace stockroom::cli {
namespace {

int VerifyAudit(const CommonOptions& common) {
  try {
    auto store = OpenStore(ExistingDataDir(common.data_dir), store::Durability::kFull, 1);
    constexpr int kPage = 5000;
    std::int64_t after = 0;
    std::string prev_hash;
    while (true) {
      auto page = store->ListAudit(after, kPage);
      if (!page) throw std::runtime_error(page.error().detail);
      if (page->empty()) break;
      if (auto broken = inventory::VerifyAuditChain(*page, after + 1, prev_hash)) {
        std::cout << fmt::format("audit trail BROKEN at record {}: {}\n", broken->id, broken->why);
        return 1;
      }
      prev_hash = page->back().hash;
      after = page->back().id;
    }
    const std::int64_t count = after;
    std::cout << fmt::format("audit trail intact: {} records\n", count);
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "stockroom audit verify: " << e.what() << "\n";
    return 2;
  }
}

}  // namespace

void AddAuditCommands(CLI::App& app, const CommonOptions& common) {
  CLI::App* audit = app.add_subcommand("audit", "The audit trail");
  audit->require_subcommand(1);
  audit->fallthrough();
  CLI::App* verify = audit->add_subcommand(
      "verify", "Check the hash chain: exit 0 when intact, 1 naming the first edited, removed or reordered record");
  verify->fallthrough();
  NoteDataDir(verify);
  verify->callback([&common] { SetExitCode(VerifyAudit(common)); });
}

}  // namespace stockroom::cli
