#include "stockroom/auth/login_throttle.h"

#include <algorithm>
#include <vector>

namespace stockroom::auth {
namespace {

// Keys cannot collide: a username never contains '\n' (CheckUsername), addresses never do.
std::string UserKey(std::string_view username, std::string_view address) {
  std::string key = "u\n";
  key += username;
  key += '\n';
  key += address;
  return key;
}

std::string AddressKey(std::string_view address) { return "a\n" + std::string(address); }

}  // namespace

LoginThrottle::LoginThrottle(LoginThrottleLimits limits) : limits_(limits) {}

std::optional<std::chrono::seconds> LoginThrottle::Wait(const std::string& key, int free, Clock::time_point now) const {
  auto it = failures_.find(key);
  if (it == failures_.end() || it->second.count < free) return std::nullopt;
  // The first failure past the allowance waits first_delay, each further one twice as long.
  const int doublings = std::min(it->second.count - free, 30);
  const auto delay = std::min<std::chrono::seconds>(limits_.first_delay * (std::int64_t{1} << doublings), limits_.max_delay);
  const auto ready = it->second.last + delay;
  if (now >= ready) return std::nullopt;
  return std::max(std::chrono::seconds(1), std::chrono::ceil<std::chrono::seconds>(ready - now));
}

std::optional<std::chrono::seconds> LoginThrottle::RetryAfter(std::string_view username, std::string_view address,
                                                              Clock::time_point now) {
  std::lock_guard lock(mutex_);
  auto user = Wait(UserKey(username, address), limits_.free_per_user_and_address, now);
  auto whole = Wait(AddressKey(address), limits_.free_per_address, now);
  if (!user) return whole;
  if (!whole) return user;
  return std::max(*user, *whole);
}

void LoginThrottle::Bump(const std::string& key, Clock::time_point now) {
  Failures& entry = failures_[key];
  entry.count += 1;
  entry.last = now;
}

void LoginThrottle::RecordFailure(std::string_view username, std::string_view address, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  Bump(UserKey(username, address), now);
  Bump(AddressKey(address), now);
  if (failures_.size() > limits_.max_keys) Prune(now);
}

void LoginThrottle::RecordSuccess(std::string_view username, std::string_view address) {
  std::lock_guard lock(mutex_);
  failures_.erase(UserKey(username, address));
}

void LoginThrottle::Prune(Clock::time_point now) {
  std::erase_if(failures_, [&](const auto& entry) { return now - entry.second.last > limits_.forget_after; });
  if (failures_.size() <= limits_.max_keys) return;
  // Still too many: drop the stalest half.
  std::vector<Clock::time_point> times;
  times.reserve(failures_.size());
  for (const auto& [key, entry] : failures_) times.push_back(entry.last);
  auto middle = times.begin() + static_cast<std::ptrdiff_t>(times.size() / 2);
  std::nth_element(times.begin(), middle, times.end());
  const auto cutoff = *middle;
  std::erase_if(failures_, [&](const auto& entry) { return entry.second.last < cutoff; });
}

std::size_t LoginThrottle::tracked() const {
  std::lock_guard lock(mutex_);
  return failures_.size();
}

}  // namespace stockroom::auth
