// The table of supported JWS algorithms. Thread-safe: constant data.

#include "stockroom/jose/algorithm.h"

#include <array>

namespace stockroom::jose {
namespace {

constexpr std::array<Algorithm, 3> kAll = {Algorithm::kHS256, Algorithm::kHS384, Algorithm::kHS512};

}  // namespace

std::span<const Algorithm> AllAlgorithms() { return kAll; }

std::string_view AlgorithmName(Algorithm alg) {
  switch (alg) {
    case Algorithm::kHS256: return "HS256";
    case Algorithm::kHS384: return "HS384";
    case Algorithm::kHS512: return "HS512";
  }
  return "";
}

std::optional<Algorithm> AlgorithmFromName(std::string_view name) {
  for (Algorithm alg : kAll) {
    if (AlgorithmName(alg) == name) return alg;
  }
  return std::nullopt;
}

KeyType AlgorithmKeyType(Algorithm alg) {
  switch (alg) {
    case Algorithm::kHS256:
    case Algorithm::kHS384:
    case Algorithm::kHS512:
      return KeyType::kOct;
  }
  return KeyType::kOct;
}

std::string_view KeyTypeName(KeyType type) {
  switch (type) {
    case KeyType::kOct: return "oct";
  }
  return "";
}

std::size_t HmacHashBytes(Algorithm alg) {
  switch (alg) {
    case Algorithm::kHS256: return 32;
    case Algorithm::kHS384: return 48;
    case Algorithm::kHS512: return 64;
  }
  return 0;
}

}  // namespace stockroom::jose
