// The table of supported JWS algorithms. Thread-safe: constant data.

#include "stockroom/jose/algorithm.h"

#include <array>
#include <cstring>

namespace stockroom::jose {
namespace {

constexpr std::array kAll = {
    Algorithm::kHS256, Algorithm::kHS384, Algorithm::kHS512, Algorithm::kRS256, Algorithm::kRS384,
    Algorithm::kRS512, Algorithm::kPS256, Algorithm::kPS384, Algorithm::kPS512, Algorithm::kES256,
    Algorithm::kES384, Algorithm::kES512, Algorithm::kEdDSA,
};

}  // namespace

std::span<const Algorithm> AllAlgorithms() { return kAll; }

std::string_view AlgorithmName(Algorithm alg) {
  switch (alg) {
    case Algorithm::kHS256: return "HS256";
    case Algorithm::kHS384: return "HS384";
    case Algorithm::kHS512: return "HS512";
    case Algorithm::kRS256: return "RS256";
    case Algorithm::kRS384: return "RS384";
    case Algorithm::kRS512: return "RS512";
    case Algorithm::kPS256: return "PS256";
    case Algorithm::kPS384: return "PS384";
    case Algorithm::kPS512: return "PS512";
    case Algorithm::kES256: return "ES256";
    case Algorithm::kES384: return "ES384";
    case Algorithm::kES512: return "ES512";
    case Algorithm::kEdDSA: return "EdDSA";
  }
  return "";
}

std::optional<Algorithm> AlgorithmFromName(std::string_view name) {
  constexpr std::size_t kNameBytes = 5;  // every registered name here: "HS256" ... "EdDSA"
  if (name.size() != kNameBytes) return std::nullopt;
  for (Algorithm alg : kAll) {
    if (std::memcmp(AlgorithmName(alg).data(), name.data(), kNameBytes) == 0) return alg;
  }
  return std::nullopt;
}

KeyType AlgorithmKeyType(Algorithm alg) {
  switch (alg) {
    case Algorithm::kHS256:
    case Algorithm::kHS384:
    case Algorithm::kHS512:
      return KeyType::kOct;
    case Algorithm::kRS256:
    case Algorithm::kRS384:
    case Algorithm::kRS512:
    case Algorithm::kPS256:
    case Algorithm::kPS384:
    case Algorithm::kPS512:
      return KeyType::kRsa;
    case Algorithm::kES256:
    case Algorithm::kES384:
    case Algorithm::kES512:
      return KeyType::kEc;
    case Algorithm::kEdDSA:
      return KeyType::kOkp;
  }
  return KeyType::kOct;
}

std::string_view KeyTypeName(KeyType type) {
  switch (type) {
    case KeyType::kOct: return "oct";
    case KeyType::kRsa: return "RSA";
    case KeyType::kEc: return "EC";
    case KeyType::kOkp: return "OKP";
  }
  return "";
}

const char* DigestName(Algorithm alg) {
  switch (alg) {
    case Algorithm::kHS256:
    case Algorithm::kRS256:
    case Algorithm::kPS256:
    case Algorithm::kES256:
      return "SHA256";
    case Algorithm::kHS384:
    case Algorithm::kRS384:
    case Algorithm::kPS384:
    case Algorithm::kES384:
      return "SHA384";
    case Algorithm::kHS512:
    case Algorithm::kRS512:
    case Algorithm::kPS512:
    case Algorithm::kES512:
      return "SHA512";
    case Algorithm::kEdDSA:
      return nullptr;
  }
  return nullptr;
}

std::size_t HashBytes(Algorithm alg) {
  const char* digest = DigestName(alg);
  if (digest == nullptr) return 0;
  const std::string_view name(digest);
  return name == "SHA256" ? 32 : name == "SHA384" ? 48 : 64;
}

std::string_view CurveName(Algorithm alg) {
  switch (alg) {
    case Algorithm::kES256: return "P-256";
    case Algorithm::kES384: return "P-384";
    case Algorithm::kES512: return "P-521";
    case Algorithm::kEdDSA: return "Ed25519";
    case Algorithm::kHS256:
    case Algorithm::kHS384:
    case Algorithm::kHS512:
    case Algorithm::kRS256:
    case Algorithm::kRS384:
    case Algorithm::kRS512:
    case Algorithm::kPS256:
    case Algorithm::kPS384:
    case Algorithm::kPS512:
      return "";
  }
  return "";
}

std::size_t EcdsaComponentBytes(Algorithm alg) {
  const std::string_view curve = CurveName(alg);
  if (curve == "P-256") return 32;
  if (curve == "P-384") return 48;
  if (curve == "P-521") return 66;  // 521 bits round up to 66 bytes
  return 0;
}

}  // namespace stockroom::jose
