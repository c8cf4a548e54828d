#include "stockroom/api/revocation_sync.h"

#include "stockroom/http/log.h"

namespace stockroom::api {

RevocationSync::RevocationSync(store::Store& store, auth::RevocationList& list, std::int64_t since_ms,
                               std::chrono::milliseconds interval, std::chrono::milliseconds forget_every)
    : store_(store),
      list_(list),
      since_ms_(since_ms),
      interval_(interval),
      forget_every_(forget_every),
      thread_([this] { Run(); }) {}

RevocationSync::~RevocationSync() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void RevocationSync::Run() {
  auto last_forget = std::chrono::steady_clock::now();
  std::unique_lock lock(mutex_);
  while (!wake_.wait_for(lock, interval_, [this] { return stopping_; })) {
    lock.unlock();
    auto changed = store_.RevocationsChangedSince(&since_ms_);
    if (changed) {
      for (const auth::Revocation& revocation : *changed) list_.Add(revocation);
    } else {
      http::Log(http::LogLevel::kWarn, "cannot poll revocations", {{"detail", changed.error().detail}});
    }
    if (std::chrono::steady_clock::now() - last_forget >= forget_every_) {
      last_forget = std::chrono::steady_clock::now();
      list_.Forget(std::chrono::duration_cast<std::chrono::seconds>(
                       std::chrono::system_clock::now().time_since_epoch()).count());
    }
    lock.lock();
  }
}

}  // namespace stockroom::api
