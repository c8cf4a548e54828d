#include "store/sqlite/group_commit.h"

#include "store/sqlite/ledger.h"

namespace stockroom::store::sqlite {

Result<inventory::Movement> GroupCommitter::Post(const inventory::MovementRequest& request,
                                                 const inventory::Actor& actor) {
  Pending pending{&request, &actor, std::nullopt};
  std::unique_lock lock(mutex_);
  queue_.push_back(&pending);
  while (!pending.result) {
    if (leader_active_) {
      done_.wait(lock);
      continue;
    }
    leader_active_ = true;
    while (!queue_.empty()) {
      std::vector<Pending*> batch;
      while (!queue_.empty() && batch.size() < kMaxBatch) {
        batch.push_back(queue_.front());
        queue_.pop_front();
      }
      lock.unlock();
      std::vector<Result<inventory::Movement>> results = RunBatch(batch);
      lock.lock();
      for (std::size_t i = 0; i < batch.size(); ++i) batch[i]->result = std::move(results[i]);
      done_.notify_all();
    }
    leader_active_ = false;
    done_.notify_all();  // a waiter whose entry arrived after the last batch leads the next
  }
  return std::move(*pending.result);
}

std::vector<Result<inventory::Movement>> GroupCommitter::RunBatch(const std::vector<Pending*>& batch) {
  std::vector<Result<inventory::Movement>> results;
  results.reserve(batch.size());
  try {
    with_connection_([&](Connection& connection) {
      WriteTransaction transaction(connection);
      for (Pending* entry : batch) {
        connection.Execute("SAVEPOINT movement");
        try {
          results.emplace_back(ApplyMovement(connection, *entry->request, *entry->actor));
          connection.Execute("RELEASE movement");
        } catch (StoreFailure& failure) {
          connection.Execute("ROLLBACK TO movement");
          connection.Execute("RELEASE movement");
          results.emplace_back(std::move(failure.error));
        }
      }
      transaction.Commit();
    });
  } catch (const SqliteError& e) {
    // The transaction rolled back: none of the batch was written.
    results.assign(batch.size(), Result<inventory::Movement>(Error{Errc::kUnavailable, e.what()}));
  }
  return results;
}

}  // namespace stockroom::store::sqlite
