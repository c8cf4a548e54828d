// `stockroom audit verify`: checks the audit trail's hash chain; `audit verify-stock` the ledger.
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

int VerifyStock(const CommonOptions& common) {
  try {
    auto store = OpenStore(ExistingDataDir(common.data_dir), store::Durability::kFull, 1);
    auto differences = store->VerifyStock();
    if (!differences) throw std::runtime_error(differences.error().detail);
    if (differences->empty()) {
      std::cout << "stock consistent: every balance equals the sum of its movements, every item's quantity the sum "
                   "of its balances\n";
      return 0;
    }
    std::cout << fmt::format("stock INCONSISTENT: {} differences\n", differences->size());
    for (const auto& d : *differences) {
      std::cout << fmt::format("item {} at {}{}: balance {}, ledger {}\n", d.item_id, d.location,
                               d.lot.empty() ? "" : " lot " + d.lot, d.balance, d.ledger);
    }
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "stockroom audit verify-stock: " << e.what() << "\n";
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
  CLI::App* verify_stock = audit->add_subcommand(
      "verify-stock",
      "Recompute every balance from the movement ledger: exit 0 when they agree, 1 listing each difference");
  verify_stock->fallthrough();
  NoteDataDir(verify_stock);
  verify_stock->callback([&common] { SetExitCode(VerifyStock(common)); });
}

}  // namespace stockroom::cli
