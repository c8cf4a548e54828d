// The contract every store::Store backend must meet. Backends are listed in kBackends;
// each test runs against each of them on a fresh database.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <functional>
#include <thread>
#include <vector>

#include "stockroom/store/sqlite_store.h"

namespace stockroom::store {
namespace {

using inventory::Decimal;
using inventory::ItemChanges;
using inventory::ItemFields;

struct Backend {
  std::string name;
  std::function<std::unique_ptr<Store>(const std::filesystem::path& dir)> open;
};

const Backend kBackends[] = {
    {"sqlite",
     [](const std::filesystem::path& dir) {
       SqliteOptions options;
       options.path = (dir / "test.db").string();
       options.connections = 4;
       return OpenSqliteStore(options);
     }},
};

class StoreContractTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("stockroom-store-test-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    store_ = GetParam().open(dir_);
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  static ItemFields Fields(std::string sku, std::string quantity = "1") {
    ItemFields fields;
    fields.sku = std::move(sku);
    fields.name = "Hex screw M3×10 \"A2\"";
    fields.description = "line one\nline two, with comma";
    fields.category = "Fasteners";
    fields.unit = "pcs";
    fields.quantity = *Decimal::Parse(quantity).value;
    fields.reorder_point = *Decimal::Parse("10").value;
    fields.location = "Factory/Office Block/Room 101";
    return fields;
  }

  // Creates the item with its `quantity` as opening stock at its location, as the API does.
  Result<inventory::Item> Create(const ItemFields& fields) {
    std::optional<OpeningStock> opening;
    if (fields.quantity.units() > 0) opening = OpeningStock{fields.location, "", fields.quantity};
    return store_->CreateItem(fields, opening, kActor);
  }

  const inventory::Actor kActor{"1", "tester", "127.0.0.1"};
  std::filesystem::path dir_;
  std::unique_ptr<Store> store_;
};

TEST_P(StoreContractTest, CreatedItemReadsBackIdentically) {
  auto created = Create(Fields("SKU-1", "37.4904"));
  ASSERT_TRUE(created);
  EXPECT_GT(created->id, 0);
  EXPECT_EQ(created->version, 1);
  auto read = store_->GetItem(created->id);
  ASSERT_TRUE(read);
  EXPECT_EQ(read->fields.sku, "SKU-1");
  EXPECT_EQ(read->fields.name, "Hex screw M3×10 \"A2\"");
  EXPECT_EQ(read->fields.description, "line one\nline two, with comma");
  EXPECT_EQ(read->fields.quantity.ToString(), "37.4904");
  EXPECT_EQ(read->fields.location, "Factory/Office Block/Room 101");
  auto by_sku = store_->GetItemBySku("SKU-1");
  ASSERT_TRUE(by_sku);
  EXPECT_EQ(by_sku->id, created->id);
}

TEST_P(StoreContractTest, DuplicateSkuIsRefusedAndWritesNothing) {
  ASSERT_TRUE(Create(Fields("DUP")));
  auto again = Create(Fields("DUP"));
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, Errc::kDuplicateSku);
  auto page = store_->ListItems({});
  ASSERT_TRUE(page);
  EXPECT_EQ(page->items.size(), 1u);
}

TEST_P(StoreContractTest, UpdateChecksVersionAndBumpsIt) {
  auto item = Create(Fields("V"));
  ASSERT_TRUE(item);
  ItemChanges changes;
  changes.name = "renamed";
  auto updated = store_->UpdateItem(item->id, 1, changes, kActor);
  ASSERT_TRUE(updated);
  EXPECT_EQ(updated->version, 2);
  EXPECT_EQ(updated->fields.name, "renamed");
  auto stale = store_->UpdateItem(item->id, 1, changes, kActor);
  ASSERT_FALSE(stale);
  EXPECT_EQ(stale.error().code, Errc::kVersionMismatch);
}

TEST_P(StoreContractTest, UpdateThatChangesNothingKeepsTheVersion) {
  auto item = Create(Fields("SAME"));
  ASSERT_TRUE(item);
  ItemChanges changes;
  changes.name = item->fields.name;
  auto updated = store_->UpdateItem(item->id, std::nullopt, changes, kActor);
  ASSERT_TRUE(updated);
  EXPECT_EQ(updated->version, 1);
}

TEST_P(StoreContractTest, UpdateToATakenSkuIsRefused) {
  ASSERT_TRUE(Create(Fields("A")));
  auto b = Create(Fields("B"));
  ASSERT_TRUE(b);
  ItemChanges changes;
  changes.sku = "A";
  auto result = store_->UpdateItem(b->id, std::nullopt, changes, kActor);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, Errc::kDuplicateSku);
  EXPECT_EQ(store_->GetItem(b->id)->fields.sku, "B");
}

TEST_P(StoreContractTest, ConcurrentUpdatesWithOneVersionHaveOneWinner) {
  auto item = Create(Fields("RACE"));
  ASSERT_TRUE(item);
  std::atomic<int> wins{0}, stale{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] {
      ItemChanges changes;
      changes.name = "writer " + std::to_string(i);
      auto result = store_->UpdateItem(item->id, 1, changes, kActor);
      if (result) ++wins;
      else if (result.error().code == Errc::kVersionMismatch) ++stale;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(wins.load(), 1);
  EXPECT_EQ(stale.load(), 7);
  EXPECT_EQ(store_->GetItem(item->id)->version, 2);
}

TEST_P(StoreContractTest, DeletedItemsVanishButKeepTheirSku) {
  auto item = Create(Fields("GONE"));
  ASSERT_TRUE(item);
  ASSERT_TRUE(store_->DeleteItem(item->id, kActor));
  EXPECT_EQ(store_->GetItem(item->id).error().code, Errc::kNotFound);
  EXPECT_EQ(store_->GetItemBySku("GONE").error().code, Errc::kNotFound);
  EXPECT_EQ(store_->DeleteItem(item->id, kActor).error().code, Errc::kNotFound);
  EXPECT_EQ(Create(Fields("GONE")).error().code, Errc::kDuplicateSku);
  EXPECT_TRUE(store_->ListItems({})->items.empty());
}

TEST_P(StoreContractTest, ListFiltersAndPagesByCursor) {
  for (int i = 0; i < 7; ++i) {
    auto fields = Fields("P-" + std::to_string(i), i < 3 ? "1" : "100");
    fields.name = i % 2 ? "50% off_sale" : "plain";
    fields.category = i < 5 ? "Fasteners" : "Bearings";
    ASSERT_TRUE(Create(fields));
  }
  ItemQuery query;
  query.limit = 3;
  std::vector<std::string> seen;
  while (true) {
    auto page = store_->ListItems(query);
    ASSERT_TRUE(page);
    for (auto& item : page->items) seen.push_back(item.fields.sku);
    if (!page->next_after_id) break;
    query.after_id = *page->next_after_id;
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"P-0", "P-1", "P-2", "P-3", "P-4", "P-5", "P-6"}));

  ItemQuery below;
  below.below_reorder = true;
  EXPECT_EQ(store_->ListItems(below)->items.size(), 3u);

  ItemQuery category;
  category.category = "Bearings";
  EXPECT_EQ(store_->ListItems(category)->items.size(), 2u);

  ItemQuery literal_percent;  // '%' and '_' are matched literally, not as wildcards
  literal_percent.text = "50%";
  EXPECT_EQ(store_->ListItems(literal_percent)->items.size(), 3u);
  literal_percent.text = "0%o";
  EXPECT_EQ(store_->ListItems(literal_percent)->items.size(), 0u);

  ItemQuery by_sku_text;
  by_sku_text.text = "p-6";  // ASCII case-insensitive
  EXPECT_EQ(store_->ListItems(by_sku_text)->items.size(), 1u);
}

TEST_P(StoreContractTest, UsersAreUniqueByName) {
  EXPECT_EQ(*store_->CountUsers(), 0);
  auto user = store_->CreateUser({"alice", "$argon2id$fake", auth::Role::kWarehouseStaff}, kActor);
  ASSERT_TRUE(user);
  EXPECT_EQ(store_->CreateUser({"alice", "x", auth::Role::kAdmin}, kActor).error().code, Errc::kDuplicateUsername);
  auto found = store_->FindUserByName("alice");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->id, user->id);
  EXPECT_EQ(found->role, auth::Role::kWarehouseStaff);
  EXPECT_EQ(store_->FindUserById(user->id)->username, "alice");
  EXPECT_EQ(store_->FindUserByName("bob").error().code, Errc::kNotFound);
  EXPECT_EQ(store_->ListUsers()->size(), 1u);
}

TEST_P(StoreContractTest, UserChangesApplyOnlyWhatIsSet) {
  auto user = store_->CreateUser({"bob", "$argon2id$old", auth::Role::kAdmin}, kActor);
  ASSERT_TRUE(user);
  auth::UserChanges demote;
  demote.role = auth::Role::kWarehouseStaff;
  auto changed = store_->UpdateUser(user->id, demote, std::nullopt);
  ASSERT_TRUE(changed);
  EXPECT_EQ(changed->role, auth::Role::kWarehouseStaff);
  EXPECT_EQ(changed->password_hash, "$argon2id$old");
  EXPECT_FALSE(changed->disabled);
  auth::UserChanges disable_and_reset;
  disable_and_reset.disabled = true;
  disable_and_reset.password_hash = "$argon2id$new";
  ASSERT_TRUE(store_->UpdateUser(user->id, disable_and_reset, std::nullopt));
  auto stored = store_->FindUserById(user->id);
  EXPECT_TRUE(stored->disabled);
  EXPECT_EQ(stored->password_hash, "$argon2id$new");
  EXPECT_EQ(stored->role, auth::Role::kWarehouseStaff);
  EXPECT_EQ(store_->UpdateUser(9999, demote, std::nullopt).error().code, Errc::kNotFound);
}

TEST_P(StoreContractTest, RevocationsPersistWidenAndExpire) {
  using Kind = auth::Revocation::Kind;
  ASSERT_TRUE(store_->AddRevocation({Kind::kToken, "jti-a", 0, 1000}));
  ASSERT_TRUE(store_->AddRevocation({Kind::kToken, "jti-b", 0, 3000}));
  ASSERT_TRUE(store_->AddRevocation({Kind::kTokensIssuedBefore, "7", 500, 2000}));
  ASSERT_TRUE(store_->AddRevocation({Kind::kTokensIssuedBefore, "7", 400, 1500}));  // never moves back
  store_.reset();
  store_ = GetParam().open(dir_);
  auto all = store_->LoadRevocations(0);
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 3u);
  for (const auto& entry : *all) {
    if (entry.kind == Kind::kTokensIssuedBefore) {
      EXPECT_EQ(entry.subject, "7");
      EXPECT_EQ(entry.not_before, 500);
      EXPECT_EQ(entry.expires_at, 2000);
    }
  }
  auto live = store_->LoadRevocations(2500);  // jti-a and the user mark have expired
  ASSERT_TRUE(live);
  ASSERT_EQ(live->size(), 1u);
  EXPECT_EQ(live->front().subject, "jti-b");
  EXPECT_EQ(store_->LoadRevocations(0)->size(), 1u);  // the expired ones are gone for good
}

TEST_P(StoreContractTest, RefreshTokensRotateOnceDetectReuseAndExpire) {
  using Outcome = RefreshRotation::Outcome;
  auto user = store_->CreateUser({"erika", "$argon2id$x", auth::Role::kWarehouseStaff}, kActor);
  ASSERT_TRUE(user);
  ASSERT_TRUE(store_->AddRefreshToken({"h1", "fam", user->id, 1000, 5000}));
  auto first = store_->RotateRefreshToken("h1", "h2", 6000, 1100, 10);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->outcome, Outcome::kRotated);
  EXPECT_EQ(first->token.family, "fam");
  EXPECT_EQ(first->token.user_id, user->id);
  EXPECT_EQ(store_->RotateRefreshToken("h1", "h2", 6000, 1105, 10)->outcome, Outcome::kRecentlyRotated);
  // The successor is live.
  EXPECT_EQ(store_->RotateRefreshToken("h2", "h3", 7000, 1200, 10)->outcome, Outcome::kRotated);
  // h1 again, long after: reuse, and the whole family dies (h3 included).
  EXPECT_EQ(store_->RotateRefreshToken("h1", "hx", 7000, 1300, 10)->outcome, Outcome::kReused);
  EXPECT_EQ(store_->RotateRefreshToken("h3", "h4", 8000, 1301, 10)->outcome, Outcome::kInvalid);
  EXPECT_EQ(store_->RotateRefreshToken("nope", "h5", 8000, 1301, 10)->outcome, Outcome::kInvalid);
  // Expiry, and revoking a family.
  ASSERT_TRUE(store_->AddRefreshToken({"e1", "fam2", user->id, 1000, 2000}));
  EXPECT_EQ(store_->RotateRefreshToken("e1", "e2", 9000, 2000, 10)->outcome, Outcome::kInvalid);
  ASSERT_TRUE(store_->AddRefreshToken({"r1", "fam3", user->id, 1000, 9000}));
  ASSERT_TRUE(store_->RevokeRefreshFamily("fam3"));
  EXPECT_EQ(store_->RotateRefreshToken("r1", "r2", 9000, 1500, 10)->outcome, Outcome::kInvalid);
}

TEST_P(StoreContractTest, ConcurrentRefreshesWithOneTokenRotateItOnce) {
  auto user = store_->CreateUser({"erika", "$argon2id$x", auth::Role::kWarehouseStaff}, kActor);
  ASSERT_TRUE(store_->AddRefreshToken({"c1", "fam", user->id, 1000, 5000}));
  std::atomic<int> rotated{0}, recent{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      auto r = store_->RotateRefreshToken("c1", "c2", 6000, 1100, 10);
      ASSERT_TRUE(r);
      if (r->outcome == RefreshRotation::Outcome::kRotated) ++rotated;
      if (r->outcome == RefreshRotation::Outcome::kRecentlyRotated) ++recent;
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(rotated.load(), 1);
  EXPECT_EQ(recent.load(), 7);
}

TEST_P(StoreContractTest, ASkuRenamedAwayStaysWithItsItem) {
  auto item = Create(Fields("OLD-SKU"));
  ASSERT_TRUE(item);
  ItemChanges rename;
  rename.sku = "NEW-SKU";
  ASSERT_TRUE(store_->UpdateItem(item->id, std::nullopt, rename, kActor));
  EXPECT_EQ(Create(Fields("OLD-SKU")).error().code, Errc::kDuplicateSku);
  auto other = Create(Fields("OTHER"));
  ASSERT_TRUE(other);
  ItemChanges steal;
  steal.sku = "OLD-SKU";
  EXPECT_EQ(store_->UpdateItem(other->id, std::nullopt, steal, kActor).error().code, Errc::kDuplicateSku);
  EXPECT_EQ(store_->GetItem(other->id)->fields.sku, "OTHER");
  // The item may take its own former SKU back.
  auto back = store_->UpdateItem(item->id, std::nullopt, steal, kActor);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->fields.sku, "OLD-SKU");
  EXPECT_EQ(store_->GetItemBySku("OLD-SKU")->id, item->id);
}

TEST_P(StoreContractTest, DataSurvivesReopening) {
  auto item = Create(Fields("KEEP"));
  ASSERT_TRUE(item);
  store_.reset();
  store_ = GetParam().open(dir_);
  EXPECT_EQ(store_->GetItem(item->id)->fields.sku, "KEEP");
  EXPECT_TRUE(store_->Ping());
}

// --- The stock ledger ---

inventory::MovementRequest Move(inventory::MovementType type, std::int64_t item_id, std::string quantity) {
  inventory::MovementRequest request;
  request.type = type;
  request.item_id = item_id;
  request.quantity = *Decimal::Parse(quantity).value;
  return request;
}

std::string BalanceAt(const inventory::Item& item, std::string_view location, std::string_view lot = "") {
  for (const auto& balance : item.balances) {
    if (balance.location == location && balance.lot == lot) return balance.quantity.ToString();
  }
  return "0";
}

TEST_P(StoreContractTest, OpeningStockCreatesEveryMissingLevelOfItsPath) {
  auto item = Create(Fields("OPEN", "12.5"));
  ASSERT_TRUE(item) << item.error().detail;
  EXPECT_EQ(item->fields.quantity.ToString(), "12.5");
  ASSERT_EQ(item->balances.size(), 1u);
  EXPECT_EQ(item->balances[0].location, "Factory/Office Block/Room 101");
  auto room = store_->GetLocation("Room 101");
  ASSERT_TRUE(room);
  EXPECT_EQ(room->parent, "Office Block");
  EXPECT_EQ(room->path, "Factory/Office Block/Room 101");
  EXPECT_EQ(store_->GetLocation("Office Block")->parent, "Factory");
  EXPECT_FALSE(store_->GetLocation("Factory")->parent);
  // A path that contradicts the tree names the segment.
  auto wrong = Fields("WRONG", "1");
  wrong.location = "Factory/Room 101";
  auto refused = Create(wrong);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, Errc::kInvalid);
  EXPECT_NE(refused.error().detail.find("Room 101"), std::string::npos) << refused.error().detail;
  EXPECT_EQ(store_->GetItemBySku("WRONG").error().code, Errc::kNotFound);  // nothing written
}

TEST_P(StoreContractTest, MovementsKeepBalancesAndNeverGoNegative) {
  using inventory::MovementType;
  auto item = Create(Fields("LEDGER", "10"));
  ASSERT_TRUE(item);
  ASSERT_TRUE(store_->CreateLocation({"BIN-2", "", "Factory"}, kActor));
  auto transfer = Move(MovementType::kTransfer, item->id, "4");
  transfer.from_location = "Room 101";
  transfer.to_location = "Factory/BIN-2";
  auto moved = store_->PostMovement(transfer, kActor);
  ASSERT_TRUE(moved) << moved.error().detail;
  ASSERT_EQ(moved->lines.size(), 2u);
  auto read = store_->GetItem(item->id);
  EXPECT_EQ(BalanceAt(*read, "Factory/Office Block/Room 101"), "6");
  EXPECT_EQ(BalanceAt(*read, "Factory/BIN-2"), "4");
  EXPECT_EQ(read->fields.quantity.ToString(), "10");
  EXPECT_EQ(read->version, 1);  // stock activity never bumps the item's version

  auto too_much = Move(MovementType::kTransfer, item->id, "4.000001");
  too_much.from_location = "BIN-2";
  too_much.to_location = "Room 101";
  auto refused = store_->PostMovement(too_much, kActor);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, Errc::kInsufficientStock);
  ASSERT_TRUE(refused.error().shortage);
  EXPECT_EQ(refused.error().shortage->location, "Factory/BIN-2");
  EXPECT_EQ(refused.error().shortage->available.ToString(), "4");
  read = store_->GetItem(item->id);
  EXPECT_EQ(BalanceAt(*read, "Factory/Office Block/Room 101"), "6");  // neither side changed
  EXPECT_EQ(BalanceAt(*read, "Factory/BIN-2"), "4");

  auto count = Move(MovementType::kCount, item->id, "5.5");
  count.location = "Room 101";
  auto counted = store_->PostMovement(count, kActor);
  ASSERT_TRUE(counted);
  EXPECT_EQ(counted->lines[0].delta_units, -500'000);
  auto reverse = Move(MovementType::kReverse, 0, "0");
  reverse.reverses = moved->id;
  auto reversed = store_->PostMovement(reverse, kActor);
  ASSERT_TRUE(reversed) << reversed.error().detail;
  read = store_->GetItem(item->id);
  EXPECT_EQ(BalanceAt(*read, "Factory/Office Block/Room 101"), "9.5");
  EXPECT_EQ(BalanceAt(*read, "Factory/BIN-2"), "0");
  EXPECT_EQ(read->fields.quantity.ToString(), "9.5");
  EXPECT_EQ(store_->PostMovement(reverse, kActor).error().code, Errc::kConflict);  // only once
  EXPECT_EQ(store_->GetMovement(moved->id)->reversed_by, reversed->id);
  EXPECT_TRUE(store_->VerifyStock()->empty());
}

TEST_P(StoreContractTest, ConcurrentIssuesNeverOversell) {
  auto item = Create(Fields("HOT", "20"));
  ASSERT_TRUE(item);
  std::atomic<int> issued{0}, short_of_stock{0}, other{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 50; ++i) {
    threads.emplace_back([&] {
      auto issue = Move(inventory::MovementType::kIssue, item->id, "1");
      issue.from_location = "Room 101";
      auto result = store_->PostMovement(issue, kActor);
      if (result) ++issued;
      else if (result.error().code == Errc::kInsufficientStock) ++short_of_stock;
      else ++other;
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(issued.load(), 20);
  EXPECT_EQ(short_of_stock.load(), 30);
  EXPECT_EQ(other.load(), 0);
  EXPECT_EQ(store_->GetItem(item->id)->fields.quantity.ToString(), "0");
  MovementQuery query;
  query.item_id = item->id;
  query.type = inventory::MovementType::kIssue;
  EXPECT_EQ(store_->ListMovements(query)->movements.size(), 20u);
  EXPECT_TRUE(store_->VerifyStock()->empty());
  // Every movement left an audit record, and the chain is intact.
  auto audit = store_->ListAudit(0, 1000);
  ASSERT_TRUE(audit);
  EXPECT_FALSE(inventory::VerifyAuditChain(*audit));
  EXPECT_EQ(std::count_if(audit->begin(), audit->end(), [](const auto& r) { return r.event.action == "movement.issue"; }),
            20);
}

TEST_P(StoreContractTest, LotTrackedItemsNeedALotAndPrecisionIsEnforced) {
  auto fields = Fields("LOTS", "0");
  fields.lot_tracked = true;
  fields.precision = 0;
  auto item = Create(fields);
  ASSERT_TRUE(item);
  auto receive = Move(inventory::MovementType::kReceive, item->id, "3");
  receive.to_location = "Room 101";
  auto refused = store_->PostMovement(receive, kActor);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().field, "lot");
  receive.lot = "B-7";
  receive.quantity = *Decimal::Parse("1.5").value;
  EXPECT_EQ(store_->PostMovement(receive, kActor).error().field, "quantity");
  receive.quantity = *Decimal::Parse("3").value;
  ASSERT_TRUE(store_->PostMovement(receive, kActor));
  EXPECT_EQ(BalanceAt(*store_->GetItem(item->id), "Factory/Office Block/Room 101", "B-7"), "3");
}

TEST_P(StoreContractTest, LocationsHoldingStockOrChildrenCannotBeDeleted) {
  ASSERT_TRUE(Create(Fields("HELD", "1")));
  EXPECT_EQ(store_->DeleteLocation("Room 101", kActor).error().code, Errc::kConflict);
  EXPECT_EQ(store_->DeleteLocation("Factory", kActor).error().code, Errc::kConflict);
  ASSERT_TRUE(store_->CreateLocation({"EMPTY", "Empty bin", "Factory"}, kActor));
  ASSERT_TRUE(store_->DeleteLocation("EMPTY", kActor));
  EXPECT_EQ(store_->GetLocation("EMPTY").error().code, Errc::kNotFound);
  // A location may not move below itself.
  LocationChanges loop;
  loop.parent = "Factory/Office Block";
  EXPECT_EQ(store_->UpdateLocation("Factory", std::nullopt, loop, kActor).error().code, Errc::kInvalid);
}

TEST_P(StoreContractTest, ImportsAreAllOrNothingAndNameTheRow) {
  std::vector<ItemImportRow> rows;
  for (const char* sku : {"IMP-1", "IMP-2", "IMP-1"}) {
    ItemImportRow row;
    row.fields = Fields(sku, "0");
    row.fields.location = "A/B";
    row.opening = OpeningStock{"A/B", "", *Decimal::Parse("2").value};
    rows.push_back(row);
  }
  auto refused = store_->ImportItems(rows, kActor, {});
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().row, 2u);
  EXPECT_TRUE(refused.error().other_rows.empty());
  EXPECT_EQ(store_->GetItemBySku("IMP-1").error().code, Errc::kNotFound);
  EXPECT_EQ(store_->GetLocation("A").error().code, Errc::kNotFound);
  rows.pop_back();
  auto dry = store_->ImportItems(rows, kActor, {true, {}});
  ASSERT_TRUE(dry);
  EXPECT_EQ(dry->items_created, 2);
  EXPECT_EQ(store_->GetItemBySku("IMP-1").error().code, Errc::kNotFound);  // a dry run writes nothing
  auto done = store_->ImportItems(rows, kActor, {});
  ASSERT_TRUE(done);
  EXPECT_EQ(done->locations_created, 2);
  EXPECT_EQ(store_->GetItemBySku("IMP-2")->fields.quantity.ToString(), "2");
  std::vector<StockImportRow> counts{{"IMP-1", "A/B", "", *Decimal::Parse("0.5").value}};
  ASSERT_TRUE(store_->ImportStock(counts, StockImportMode::kCount, kActor, {}));
  EXPECT_EQ(store_->GetItemBySku("IMP-1")->fields.quantity.ToString(), "0.5");
  EXPECT_TRUE(store_->VerifyStock()->empty());
}

TEST_P(StoreContractTest, ImportsNameEveryRowTheyRefuse) {
  ASSERT_TRUE(store_->CreateItem(Fields("GOOD-1", "0"), std::nullopt, kActor));
  const Decimal one = *Decimal::Parse("1").value;
  // Good rows (creating locations A, B/C) between bad ones: all of it is rolled back.
  std::vector<StockImportRow> rows{{"NONE-1", "A", "", one}, {"GOOD-1", "A", "", one}, {"NONE-2", "A", "", one},
                                   {"GOOD-1", "B/C", "", one}, {"NONE-3", "A", "", one}};
  auto refused = store_->ImportStock(rows, StockImportMode::kReceive, kActor, {});
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().row, 0u);
  EXPECT_EQ(refused.error().field, "sku");
  ASSERT_EQ(refused.error().other_rows.size(), 2u);
  EXPECT_EQ(refused.error().other_rows[0].row, 2u);
  EXPECT_EQ(refused.error().other_rows[1].row, 4u);
  EXPECT_FALSE(refused.error().rows_unchecked);
  EXPECT_EQ(store_->GetLocation("A").error().code, Errc::kNotFound);
  EXPECT_EQ(store_->GetLocation("C").error().code, Errc::kNotFound);
  EXPECT_EQ(store_->GetItemBySku("GOOD-1")->fields.quantity.ToString(), "0");
  EXPECT_TRUE(store_->VerifyStock()->empty());

  // Exactly kMaxImportRowErrors bad rows are all checked; one more stops the checking there.
  std::vector<StockImportRow> many;
  for (std::size_t i = 0; i < kMaxImportRowErrors; ++i) many.push_back({"NONE-" + std::to_string(i), "A", "", one});
  auto twenty = store_->ImportStock(many, StockImportMode::kReceive, kActor, {});
  ASSERT_FALSE(twenty);
  EXPECT_EQ(twenty.error().other_rows.size(), kMaxImportRowErrors - 1);
  EXPECT_FALSE(twenty.error().rows_unchecked);
  many.push_back({"NONE-X", "A", "", one});
  auto more = store_->ImportStock(many, StockImportMode::kReceive, kActor, {});
  ASSERT_FALSE(more);
  EXPECT_EQ(more.error().other_rows.size(), kMaxImportRowErrors - 1);
  EXPECT_TRUE(more.error().rows_unchecked);
}

TEST_P(StoreContractTest, AStocktakeCountsEachBalanceOnce) {
  ASSERT_TRUE(store_->CreateItem(Fields("ST-1", "0"), std::nullopt, kActor));
  std::vector<StockImportRow> counts{{"ST-1", "A", "", *Decimal::Parse("5").value},
                                     {"ST-1", "A", "L1", *Decimal::Parse("1").value},
                                     {"ST-1", "A", "", *Decimal::Parse("7").value}};
  auto refused = store_->ImportStock(counts, StockImportMode::kCount, kActor, {});
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().row, 2u);
  EXPECT_EQ(store_->GetItemBySku("ST-1")->fields.quantity.ToString(), "0");
  counts.pop_back();
  ASSERT_TRUE(store_->ImportStock(counts, StockImportMode::kCount, kActor, {}));
  EXPECT_EQ(store_->GetItemBySku("ST-1")->fields.quantity.ToString(), "6");
}

TEST_P(StoreContractTest, IdempotencyKeysReplayPerActor) {
  using Outcome = IdempotencyClaim::Outcome;
  const std::int64_t day = 86'400'000;
  EXPECT_EQ(store_->ClaimIdempotencyKey("1", "k", "fp", day)->outcome, Outcome::kClaimed);
  EXPECT_EQ(store_->ClaimIdempotencyKey("1", "k", "fp", day)->outcome, Outcome::kInProgress);
  ASSERT_TRUE(store_->CompleteIdempotencyKey("1", "k", {201, "application/json", "/x/1", "", "{\"id\":1}"}));
  auto replay = store_->ClaimIdempotencyKey("1", "k", "fp", day);
  EXPECT_EQ(replay->outcome, Outcome::kReplay);
  EXPECT_EQ(replay->response.status, 201);
  EXPECT_EQ(replay->response.body, "{\"id\":1}");
  EXPECT_EQ(store_->ClaimIdempotencyKey("1", "k", "other", day)->outcome, Outcome::kMismatch);
  EXPECT_EQ(store_->ClaimIdempotencyKey("2", "k", "other", day)->outcome, Outcome::kClaimed);
  ASSERT_TRUE(store_->ReleaseIdempotencyKey("2", "k"));
  EXPECT_EQ(store_->ClaimIdempotencyKey("2", "k", "fp", day)->outcome, Outcome::kClaimed);
}

TEST_P(StoreContractTest, StockIsNeverStrandedByLaterChanges) {
  using inventory::MovementType;
  auto item = Create(Fields("STRAND", "0"));
  ASSERT_TRUE(item);
  ASSERT_TRUE(store_->CreateLocation({"GONE-BIN", "", ""}, kActor));
  auto receive = Move(MovementType::kReceive, item->id, "1.5");
  receive.to_location = "GONE-BIN";
  ASSERT_TRUE(store_->PostMovement(receive, kActor));
  auto issue = Move(MovementType::kIssue, item->id, "1.5");
  issue.from_location = "GONE-BIN";
  auto issued = store_->PostMovement(issue, kActor);
  ASSERT_TRUE(issued);
  ASSERT_TRUE(store_->DeleteLocation("GONE-BIN", kActor));
  // Reversing the issue would put stock back into the deleted location.
  auto reverse = Move(MovementType::kReverse, 0, "0");
  reverse.reverses = issued->id;
  EXPECT_EQ(store_->PostMovement(reverse, kActor).error().code, Errc::kConflict);

  receive.to_location = "Room 101";
  ASSERT_TRUE(store_->PostMovement(receive, kActor));
  ItemChanges lots;
  lots.lot_tracked = true;
  EXPECT_EQ(store_->UpdateItem(item->id, std::nullopt, lots, kActor).error().code, Errc::kConflict);
  ItemChanges whole;
  whole.precision = 0;
  EXPECT_EQ(store_->UpdateItem(item->id, std::nullopt, whole, kActor).error().code, Errc::kConflict);
  whole.precision = 1;
  EXPECT_TRUE(store_->UpdateItem(item->id, std::nullopt, whole, kActor));
  EXPECT_TRUE(store_->VerifyStock()->empty());
}

TEST_P(StoreContractTest, MovingALocationKeepsTheTreeWithinItsDepth) {
  std::string parent;
  for (int i = 1; i <= 10; ++i) {
    ASSERT_TRUE(store_->CreateLocation({"C" + std::to_string(i), "", parent}, kActor));
    parent = "C" + std::to_string(i);
  }
  parent.clear();
  for (int i = 1; i <= 7; ++i) {
    ASSERT_TRUE(store_->CreateLocation({"T" + std::to_string(i), "", parent}, kActor));
    parent = "T" + std::to_string(i);
  }
  LocationChanges move;
  move.parent = "C10";  // 10 + 7 levels
  auto refused = store_->UpdateLocation("T1", std::nullopt, move, kActor);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().field, "parent");
  move.parent = "C9";  // 9 + 7 = 16
  ASSERT_TRUE(store_->UpdateLocation("T1", std::nullopt, move, kActor));
  EXPECT_EQ(store_->GetLocation("T7")->path, "C1/C2/C3/C4/C5/C6/C7/C8/C9/T1/T2/T3/T4/T5/T6/T7");
}

TEST_P(StoreContractTest, MovementsByLocationPageThroughEveryOne) {
  using inventory::MovementType;
  auto item = Create(Fields("BYLOC", "0"));
  ASSERT_TRUE(item);
  ASSERT_TRUE(store_->CreateLocation({"OTHER", "", ""}, kActor));
  std::vector<std::int64_t> expected;
  for (int i = 0; i < 7; ++i) {
    auto receive = Move(MovementType::kReceive, item->id, "1");
    receive.to_location = i % 2 ? "OTHER" : "Room 101";
    auto posted = store_->PostMovement(receive, kActor);
    ASSERT_TRUE(posted);
    if (i % 2 == 0) expected.push_back(posted->id);
  }
  auto transfer = Move(MovementType::kTransfer, item->id, "1");
  transfer.from_location = "OTHER";
  transfer.to_location = "Room 101";
  expected.push_back(store_->PostMovement(transfer, kActor)->id);
  MovementQuery query;
  query.location = "Factory/Office Block/Room 101";
  query.limit = 2;
  std::vector<std::int64_t> seen;
  while (true) {
    auto page = store_->ListMovements(query);
    ASSERT_TRUE(page);
    for (const auto& m : page->movements) seen.push_back(m.id);
    if (!page->next_after_id) break;
    query.after_id = *page->next_after_id;
  }
  EXPECT_EQ(seen, expected);
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreContractTest, ::testing::ValuesIn(kBackends),
                         [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace stockroom::store
