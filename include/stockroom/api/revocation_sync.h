// Keeps a server's in-memory revocation list in step with revocations that other processes
// (the `stockroom user` commands, later other instances) write to the database: one cheap
// indexed query per interval, never one per request. Once a minute it also drops the entries
// whose tokens have all expired, so the list stays as small as the live revocations. Runs its
// own thread, stopped and joined by the destructor.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>

#include "stockroom/auth/revocation.h"
#include "stockroom/store/store.h"

namespace stockroom::api {

class RevocationSync {
 public:
  // Picks up entries written from `since_ms` (unix ms) on. `store` and `list` must outlive this.
  RevocationSync(store::Store& store, auth::RevocationList& list, std::int64_t since_ms,
                 std::chrono::milliseconds interval = std::chrono::milliseconds(500),
                 std::chrono::milliseconds forget_every = std::chrono::minutes(1));
  ~RevocationSync();
  RevocationSync(const RevocationSync&) = delete;
  RevocationSync& operator=(const RevocationSync&) = delete;

 private:
  void Run();

  store::Store& store_;
  auth::RevocationList& list_;
  std::int64_t since_ms_;
  std::chrono::milliseconds interval_;
  std::chrono::milliseconds forget_every_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace stockroom::api
