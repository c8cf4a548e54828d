// Brute-force defence for password logins: failed attempts are counted per (username, client
// address) and per client address; past a free allowance each further attempt must wait a
// delay that doubles with every failure, up to a cap. A success clears the (username, address)
// count. Unknown usernames are counted exactly like known ones, so the throttle reveals nothing
// about which accounts exist. An attacker on one address cannot lock the account's owner out
// on another address. Thread-safe. State lives in memory: a restart forgives everyone.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace stockroom::auth {

struct LoginThrottleLimits {
  // Failures of one username from one address before delays start; a mistyped password a
  // few times is normal.
  int free_per_user_and_address = 5;
  // Failures from one address (any usernames) before delays start: a shared plant terminal
  // or NAT has many users, so this is generous.
  int free_per_address = 100;
  std::chrono::seconds first_delay{1};
  std::chrono::seconds max_delay{15 * 60};
  // A key with no failure for this long is forgotten (which also bounds memory).
  std::chrono::seconds forget_after{60 * 60};
  // Bound on tracked keys; past it, the stalest are dropped first.
  std::size_t max_keys = 100'000;
};

class LoginThrottle {
 public:
  using Clock = std::chrono::steady_clock;
  explicit LoginThrottle(LoginThrottleLimits limits = {});

  // How long the caller must wait before this attempt may be checked, or nullopt when it may
  // go ahead now.
  std::optional<std::chrono::seconds> RetryAfter(std::string_view username, std::string_view address,
                                                  Clock::time_point now = Clock::now());
  void RecordFailure(std::string_view username, std::string_view address, Clock::time_point now = Clock::now());
  void RecordSuccess(std::string_view username, std::string_view address);

  std::size_t tracked() const;

 private:
  struct Failures {
    int count = 0;
    Clock::time_point last;
  };
  std::optional<std::chrono::seconds> Wait(const std::string& key, int free, Clock::time_point now) const;
  void Bump(const std::string& key, Clock::time_point now);
  void Prune(Clock::time_point now);

  LoginThrottleLimits limits_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Failures> failures_;
};

}  // namespace stockroom::auth
