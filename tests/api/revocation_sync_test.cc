#include "stockroom/api/revocation_sync.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <thread>

#include "stockroom/store/sqlite_store.h"

namespace stockroom::api {
namespace {

using Kind = auth::Revocation::Kind;

// Waits up to two seconds for `done`.
template <class Predicate>
bool Eventually(Predicate done) {
  for (int i = 0; i < 200; ++i) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return done();
}

class RevocationSyncTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("stockroom-sync-test-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    store::SqliteOptions options;
    options.path = (dir_ / "test.db").string();
    store_ = store::OpenSqliteStore(options);
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  std::filesystem::path dir_;
  std::unique_ptr<store::Store> store_;
};

TEST_F(RevocationSyncTest, PicksUpWhatAnotherProcessWrote) {
  auth::RevocationList list;
  RevocationSync sync(*store_, list, 0, std::chrono::milliseconds(20));
  // Another writer (the CLI) records a revocation in the database only.
  ASSERT_TRUE(store_->AddRevocation({Kind::kTokensIssuedBefore, "7", 5000, 4102444800}));
  EXPECT_TRUE(Eventually([&] { return list.TokensValidFrom("7") == 5000; }));
  ASSERT_TRUE(store_->AddRevocation({Kind::kToken, "jti-1", 0, 4102444800}));
  EXPECT_TRUE(Eventually([&] { return list.IsRevoked("jti-1", "1", 0); }));
}

TEST_F(RevocationSyncTest, ForgetsExpiredEntriesPeriodically) {
  auth::RevocationList list;
  list.Add({Kind::kToken, "long-expired", 0, 1000});
  list.Add({Kind::kToken, "live", 0, 4102444800});
  RevocationSync sync(*store_, list, 0, std::chrono::milliseconds(20), std::chrono::milliseconds(0));
  EXPECT_TRUE(Eventually([&] { return list.size() == 1; }));
  EXPECT_TRUE(list.IsRevoked("live", "1", 0));
  EXPECT_FALSE(list.IsRevoked("long-expired", "1", 0));
}

}  // namespace
}  // namespace stockroom::api
