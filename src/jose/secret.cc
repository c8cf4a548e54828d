// Secret: key bytes that are cleared when released. Thread-compatible value type.

#include <openssl/crypto.h>

#include "stockroom/jose/key.h"

namespace stockroom::jose {

Secret::Secret(std::string bytes) : bytes_(bytes.begin(), bytes.end()) {
  OPENSSL_cleanse(bytes.data(), bytes.size());
}

Secret::Secret(std::span<const unsigned char> bytes) : bytes_(bytes.begin(), bytes.end()) {}

Secret::Secret(const Secret& other) : bytes_(other.bytes_) {}

Secret::Secret(Secret&& other) noexcept : bytes_(std::move(other.bytes_)) { other.bytes_.clear(); }

Secret& Secret::operator=(const Secret& other) {
  if (this != &other) {
    Clear();
    bytes_ = other.bytes_;
  }
  return *this;
}

Secret& Secret::operator=(Secret&& other) noexcept {
  if (this != &other) {
    Clear();
    bytes_ = std::move(other.bytes_);
    other.bytes_.clear();
  }
  return *this;
}

Secret::~Secret() { Clear(); }

void Secret::Clear() noexcept {
  if (!bytes_.empty()) OPENSSL_cleanse(bytes_.data(), bytes_.size());
  bytes_.clear();
}

}  // namespace stockroom::jose
