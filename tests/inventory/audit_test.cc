#include "stockroom/inventory/audit.h"

#include <gtest/gtest.h>

namespace stockroom::inventory {
namespace {

std::vector<AuditRecord> Chain(int n) {
  std::vector<AuditRecord> records;
  std::string prev;
  for (int i = 1; i <= n; ++i) {
    AuditRecord record;
    record.id = i;
    record.at_ms = 1000 + i;
    record.event = {"1", "admin", "127.0.0.1", "user.update", "user:" + std::to_string(i), R"({"role":"admin"})"};
    record.prev_hash = prev;
    record.hash = AuditHash(record);
    prev = record.hash;
    records.push_back(record);
  }
  return records;
}

TEST(AuditTest, AnIntactChainVerifies) {
  EXPECT_FALSE(VerifyAuditChain(Chain(5)));
  EXPECT_FALSE(VerifyAuditChain({}));
  EXPECT_EQ(Chain(1)[0].hash.size(), 43u);
}

TEST(AuditTest, AnEditedRecordIsFound) {
  auto records = Chain(5);
  records[2].event.details = R"({"role":"warehouse_staff"})";
  auto broken = VerifyAuditChain(records);
  ASSERT_TRUE(broken);
  EXPECT_EQ(broken->id, 3);
  EXPECT_NE(broken->why.find("changed"), std::string::npos);
}

TEST(AuditTest, ARemovedRecordIsFound) {
  auto records = Chain(5);
  records.erase(records.begin() + 1);
  auto broken = VerifyAuditChain(records);
  ASSERT_TRUE(broken);
  EXPECT_EQ(broken->id, 3);
}

TEST(AuditTest, ReorderedRecordsAreFound) {
  auto records = Chain(5);
  std::swap(records[3], records[4]);
  std::swap(records[3].id, records[4].id);  // even with the ids put back in order
  auto broken = VerifyAuditChain(records);
  ASSERT_TRUE(broken);
  EXPECT_EQ(broken->id, 4);
}

TEST(AuditTest, ARewrittenTailStillBreaksAtTheEdit) {
  auto records = Chain(4);
  records[1].event.actor_name = "mallory";
  records[1].hash = AuditHash(records[1]);  // recomputed, but record 3 still names the old hash
  auto broken = VerifyAuditChain(records);
  ASSERT_TRUE(broken);
  EXPECT_EQ(broken->id, 3);
}

}  // namespace
}  // namespace stockroom::inventory
