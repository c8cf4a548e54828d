// Group commit for movements: concurrent PostMovement calls share one transaction and one
// durable COMMIT (one fsync) instead of paying one each. The first caller to find no batch
// running becomes the leader: it applies every queued movement, each inside its own SAVEPOINT
// (so a refused movement undoes only itself), commits once, and hands every caller its answer.
// Callers return only after the COMMIT that holds their movement: an acknowledged movement is
// durable. Thread-safe.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>

#include "store/sqlite/common.h"

namespace stockroom::store::sqlite {

class GroupCommitter {
 public:
  // `with_connection` runs its argument with a pooled connection (blocking until one is free).
  explicit GroupCommitter(std::function<void(const std::function<void(Connection&)>&)> with_connection)
      : with_connection_(std::move(with_connection)) {}

  Result<inventory::Movement> Post(const inventory::MovementRequest& request, const inventory::Actor& actor);

 private:
  struct Pending {
    const inventory::MovementRequest* request;
    const inventory::Actor* actor;
    std::optional<Result<inventory::Movement>> result;  // set under mutex_
  };
  static constexpr std::size_t kMaxBatch = 256;

  // Applies `batch` in one transaction; returns one result per entry.
  std::vector<Result<inventory::Movement>> RunBatch(const std::vector<Pending*>& batch);

  std::function<void(const std::function<void(Connection&)>&)> with_connection_;
  std::mutex mutex_;
  std::condition_variable done_;
  std::deque<Pending*> queue_;
  bool leader_active_ = false;
};

}  // namespace stockroom::store::sqlite
