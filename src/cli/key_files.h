// Reading keys from files for the command line: a JWK Set, a single JWK, or PEM.
#pragma once

#include <string>
#include <vector>

#include "stockroom/jose/jwt.h"

namespace stockroom::cli {

// The whole of file `path`, or of standard input when `path` is "-". Throws
// std::runtime_error naming the file when it cannot be read.
std::string ReadFileOrStdin(const std::string& path);

// The keys to trust from the text of a key file: a JWK Set ({"keys": [...]}), one JWK, or a
// PEM public or private key. A PEM key has no algorithm of its own, so it is added once for
// each of `algorithms` that fits its type. Throws std::runtime_error when the text is none
// of these (a JWK Set whose members are unusable is not an error: they are skipped, as RFC
// 7517 s.5 advises, and a token naming one fails key-unusable).
jose::KeySet ParseTrustedKeys(const std::string& text, const std::vector<jose::Algorithm>& algorithms);

// One key to sign with, from a JWK or PEM private key, pinned to `alg` (REQUIRES for a JWK:
// that its "alg", when present, is `alg`). Throws std::runtime_error with the reason when the
// text holds no key that can sign with `alg`.
jose::Key ParseSigningKey(const std::string& text, jose::Algorithm alg);

// The non-empty items of a comma-separated list ("a,b,,c" -> a, b, c).
std::vector<std::string> SplitCommaList(const std::string& list);

// Parses a comma-separated list of algorithm names. Unknown names (including "none") are
// dropped: they can never be allowed.
std::vector<jose::Algorithm> ParseAlgorithmList(const std::string& list);

}  // namespace stockroom::cli
