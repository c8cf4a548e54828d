// Invariant checks shared by the fuzz targets: a broken one aborts, which libFuzzer reports as
// a crash with the input saved. Thread-safe: no state.
#pragma once

#include <cstdio>
#include <cstdlib>

#include "stockroom/jose/error.h"
#include "stockroom/jose/key.h"

namespace stockroom::fuzz {

inline void Check(bool ok, const char* invariant) {
  if (ok) return;
  std::fprintf(stderr, "fuzz invariant broken: %s\n", invariant);
  std::abort();
}

// Whether `reloaded`, an export of `original` imported again, loaded as it must. One
// exception: OpenSSL 3.0's RSA public key check (EVP_PKEY_public_check, run by Key::FromJwk
// and FromPem) tests the modulus with randomized Miller-Rabin rounds, so an RSA "key" whose
// modulus is no product of two primes loads or is refused (kJwkInvalid) at random. A real key
// always loads; a fuzzed one may not load twice.
inline bool Reloaded(const jose::Key& original, const jose::Result<jose::Key>& reloaded) {
  if (reloaded) return true;
  return original.type() == jose::KeyType::kRsa && reloaded.error().code == jose::Errc::kJwkInvalid;
}

}  // namespace stockroom::fuzz
