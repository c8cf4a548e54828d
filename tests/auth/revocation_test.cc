#include "stockroom/auth/revocation.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace stockroom::auth {
namespace {

using Kind = Revocation::Kind;

TEST(RevocationListTest, RevokesOneTokenById) {
  RevocationList list;
  EXPECT_FALSE(list.IsRevoked("jti-1", "7", 100));
  list.Add({Kind::kToken, "jti-1", 0, 500});
  EXPECT_TRUE(list.IsRevoked("jti-1", "7", 100));
  EXPECT_FALSE(list.IsRevoked("jti-2", "7", 100));
  EXPECT_FALSE(list.IsRevoked("JTI-1", "7", 100));
}

TEST(RevocationListTest, RevokesEveryTokenOfAUserIssuedBeforeTheMark) {
  RevocationList list;
  list.Add({Kind::kTokensIssuedBefore, "7", 1000, 5000});
  EXPECT_TRUE(list.IsRevoked("a", "7", 999));
  EXPECT_FALSE(list.IsRevoked("b", "7", 1000));
  EXPECT_FALSE(list.IsRevoked("c", "8", 10));
  EXPECT_EQ(list.TokensValidFrom("7"), 1000);
  EXPECT_EQ(list.TokensValidFrom("8"), 0);
  // A later mark moves forward; an earlier one never moves it back.
  list.Add({Kind::kTokensIssuedBefore, "7", 2000, 6000});
  list.Add({Kind::kTokensIssuedBefore, "7", 1500, 5500});
  EXPECT_EQ(list.TokensValidFrom("7"), 2000);
  EXPECT_TRUE(list.IsRevoked("b", "7", 1999));
}

TEST(RevocationListTest, ForgetsEntriesOnceTheirTokensHaveExpired) {
  RevocationList list;
  list.Add({Kind::kToken, "old", 0, 100});
  list.Add({Kind::kToken, "new", 0, 300});
  list.Add({Kind::kTokensIssuedBefore, "7", 50, 200});
  EXPECT_EQ(list.size(), 3u);
  EXPECT_EQ(list.Forget(150), 1u);
  EXPECT_FALSE(list.IsRevoked("old", "1", 0));
  EXPECT_TRUE(list.IsRevoked("new", "1", 0));
  EXPECT_EQ(list.Forget(250), 1u);
  EXPECT_EQ(list.TokensValidFrom("7"), 0);
  EXPECT_EQ(list.Forget(1000), 1u);
  EXPECT_EQ(list.size(), 0u);
}

TEST(RevocationListTest, ConcurrentAddsAndChecks) {
  RevocationList list;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&list, t] {
      for (int i = 0; i < 1000; ++i) {
        list.Add({Kind::kToken, std::to_string(t) + "-" + std::to_string(i), 0, 100});
        EXPECT_TRUE(list.IsRevoked(std::to_string(t) + "-" + std::to_string(i), "x", 0));
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(list.size(), 4000u);
}

}  // namespace
}  // namespace stockroom::auth

namespace stockroom::auth {
namespace {

TEST(RevocationListTest, AUserMarkIsStrictlyAfterNowAndAfterTheCurrentMark) {
  const Revocation fresh = RevokeUserTokensAt(7, 1000, 0, 3630);
  EXPECT_EQ(fresh.kind, Revocation::Kind::kTokensIssuedBefore);
  EXPECT_EQ(fresh.subject, "7");
  EXPECT_EQ(fresh.not_before, 1001);
  EXPECT_EQ(fresh.expires_at, 1001 + 3630);
  // A second change in the same second moves the mark on, so tokens issued at the first mark
  // are caught too.
  EXPECT_EQ(RevokeUserTokensAt(7, 1000, 1001, 3630).not_before, 1002);
  EXPECT_EQ(RevokeUserTokensAt(7, 2000, 1001, 3630).not_before, 2001);
}

}  // namespace
}  // namespace stockroom::auth
