#include "stockroom/auth/revocation.h"

#include <algorithm>
#include <mutex>

namespace stockroom::auth {

Revocation RevokeUserTokensAt(std::int64_t user_id, std::int64_t now, std::int64_t current_mark,
                              std::int64_t longest_token) {
  Revocation revocation;
  revocation.kind = Revocation::Kind::kTokensIssuedBefore;
  revocation.subject = std::to_string(user_id);
  revocation.not_before = std::max(now, current_mark) + 1;
  revocation.expires_at = revocation.not_before + longest_token;
  return revocation;
}

void RevocationList::Add(const Revocation& revocation) {
  std::unique_lock lock(mutex_);
  switch (revocation.kind) {
    case Revocation::Kind::kToken: {
      auto [it, inserted] = tokens_.emplace(revocation.subject, revocation.expires_at);
      if (!inserted) it->second = std::max(it->second, revocation.expires_at);
      break;
    }
    case Revocation::Kind::kSession: {
      auto [it, inserted] = sessions_.emplace(revocation.subject, revocation.expires_at);
      if (!inserted) it->second = std::max(it->second, revocation.expires_at);
      break;
    }
    case Revocation::Kind::kTokensIssuedBefore: {
      auto [it, inserted] = users_.emplace(revocation.subject, UserMark{revocation.not_before, revocation.expires_at});
      if (!inserted) {
        it->second.not_before = std::max(it->second.not_before, revocation.not_before);
        it->second.expires_at = std::max(it->second.expires_at, revocation.expires_at);
      }
      break;
    }
  }
}

bool RevocationList::IsRevoked(std::string_view jti, std::string_view subject, std::int64_t issued_at,
                               std::string_view sid) const {
  std::shared_lock lock(mutex_);
  if (tokens_.contains(jti)) return true;
  if (!sid.empty() && sessions_.contains(sid)) return true;
  auto mark = users_.find(subject);
  return mark != users_.end() && issued_at < mark->second.not_before;
}

std::int64_t RevocationList::TokensValidFrom(std::string_view subject) const {
  std::shared_lock lock(mutex_);
  auto mark = users_.find(subject);
  return mark == users_.end() ? 0 : mark->second.not_before;
}

std::size_t RevocationList::Forget(std::int64_t now) {
  std::unique_lock lock(mutex_);
  const std::size_t before = tokens_.size() + sessions_.size() + users_.size();
  std::erase_if(tokens_, [now](const auto& entry) { return entry.second < now; });
  std::erase_if(sessions_, [now](const auto& entry) { return entry.second < now; });
  std::erase_if(users_, [now](const auto& entry) { return entry.second.expires_at < now; });
  return before - tokens_.size() - sessions_.size() - users_.size();
}

std::size_t RevocationList::size() const {
  std::shared_lock lock(mutex_);
  return tokens_.size() + sessions_.size() + users_.size();
}

}  // namespace stockroom::auth
