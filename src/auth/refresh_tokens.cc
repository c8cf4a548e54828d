#include "stockroom/auth/refresh_tokens.h"

#include <openssl/evp.h>

#include <stdexcept>

#include "stockroom/auth/access_tokens.h"
#include "stockroom/jose/base64url.h"

namespace stockroom::auth {
namespace {

jose::Key MakeMac(jose::Secret secret) {
  auto key = jose::Key::Hmac(jose::Algorithm::kHS256, std::move(secret));
  if (!key) throw std::invalid_argument("refresh token secret: " + key.error().detail);
  return std::move(*key);
}

}  // namespace

RefreshTokenCodec::RefreshTokenCodec(jose::Secret secret) : mac_(MakeMac(std::move(secret))) {}

std::string RefreshTokenCodec::NewToken() { return RandomId(32); }

std::string RefreshTokenCodec::NewFamilyId() { return RandomId(16); }

std::string RefreshTokenCodec::Hash(std::string_view token) {
  unsigned char digest[32];
  unsigned int len = 0;
  EVP_Digest(token.data(), token.size(), digest, &len, EVP_sha256(), nullptr);
  return jose::Base64UrlEncode(std::string_view(reinterpret_cast<const char*>(digest), len));
}

std::string RefreshTokenCodec::Successor(std::string_view token) const {
  auto mac = mac_.Sign(jose::Algorithm::kHS256, token);
  if (!mac) throw std::runtime_error("refresh token successor: " + mac.error().detail);
  return jose::Base64UrlEncode(*mac);
}

}  // namespace stockroom::auth
