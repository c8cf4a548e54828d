#include "stockroom/auth/login_throttle.h"

#include <gtest/gtest.h>

namespace stockroom::auth {
namespace {

using std::chrono::seconds;
using Clock = LoginThrottle::Clock;

TEST(LoginThrottleTest, AllowsAFewMistakesThenDoublesTheDelay) {
  LoginThrottle throttle({.free_per_user_and_address = 3, .free_per_address = 100});
  const auto t0 = Clock::time_point{} + seconds(1000);
  for (int i = 0; i < 3; ++i) {
    EXPECT_FALSE(throttle.RetryAfter("erika", "10.0.0.1", t0)) << i;
    throttle.RecordFailure("erika", "10.0.0.1", t0);
  }
  EXPECT_EQ(throttle.RetryAfter("erika", "10.0.0.1", t0), seconds(1));
  EXPECT_FALSE(throttle.RetryAfter("erika", "10.0.0.1", t0 + seconds(1)));
  throttle.RecordFailure("erika", "10.0.0.1", t0 + seconds(1));
  EXPECT_EQ(throttle.RetryAfter("erika", "10.0.0.1", t0 + seconds(1)), seconds(2));
  throttle.RecordFailure("erika", "10.0.0.1", t0 + seconds(3));
  EXPECT_EQ(throttle.RetryAfter("erika", "10.0.0.1", t0 + seconds(3)), seconds(4));
}

TEST(LoginThrottleTest, OtherAddressesAndOtherUsersAreNotHeldUp) {
  LoginThrottle throttle({.free_per_user_and_address = 2, .free_per_address = 100});
  const auto now = Clock::time_point{} + seconds(50);
  for (int i = 0; i < 10; ++i) throttle.RecordFailure("admin", "attacker", now);
  EXPECT_TRUE(throttle.RetryAfter("admin", "attacker", now));
  EXPECT_FALSE(throttle.RetryAfter("admin", "owner", now));
  EXPECT_FALSE(throttle.RetryAfter("erika", "attacker", now));
}

TEST(LoginThrottleTest, AnAddressTryingManyUsernamesIsHeldUp) {
  LoginThrottle throttle({.free_per_user_and_address = 5, .free_per_address = 10});
  const auto now = Clock::time_point{} + seconds(50);
  for (int i = 0; i < 10; ++i) throttle.RecordFailure("user" + std::to_string(i), "sprayer", now);
  EXPECT_TRUE(throttle.RetryAfter("somebody-new", "sprayer", now));
  EXPECT_FALSE(throttle.RetryAfter("somebody-new", "elsewhere", now));
}

TEST(LoginThrottleTest, SuccessClearsTheUserCountAndTheDelayIsCapped) {
  LoginThrottle throttle({.free_per_user_and_address = 1, .free_per_address = 1000, .max_delay = seconds(60)});
  const auto now = Clock::time_point{} + seconds(50);
  for (int i = 0; i < 40; ++i) throttle.RecordFailure("erika", "a", now);
  EXPECT_EQ(throttle.RetryAfter("erika", "a", now), seconds(60));
  throttle.RecordSuccess("erika", "a");
  EXPECT_FALSE(throttle.RetryAfter("erika", "a", now));
}

TEST(LoginThrottleTest, MemoryIsBounded) {
  LoginThrottle throttle({.max_keys = 100});
  const auto now = Clock::time_point{} + seconds(50);
  for (int i = 0; i < 1000; ++i) throttle.RecordFailure("u" + std::to_string(i), "a" + std::to_string(i), now + seconds(i));
  EXPECT_LE(throttle.tracked(), 101u);
}

}  // namespace
}  // namespace stockroom::auth
