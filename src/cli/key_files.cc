#include "cli/key_files.h"

#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>
#include <stdexcept>

#include "stockroom/jose/json.h"

namespace stockroom::cli {
namespace {

bool IsPem(const std::string& text) { return text.find("-----BEGIN ") != std::string::npos; }

boost::json::object ParseJwkText(const std::string& text) {
  auto value = jose::ParseStrictJson(text, jose::Errc::kJwkInvalid);
  if (!value || !value->is_object()) {
    throw std::runtime_error("not a JWK, JWK Set or PEM key" + (value ? std::string() : ": " + value.error().detail));
  }
  return value->as_object();
}

}  // namespace

std::string ReadFileOrStdin(const std::string& path) {
  if (path == "-") return std::string(std::istreambuf_iterator<char>(std::cin), {});
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

jose::KeySet ParseTrustedKeys(const std::string& text, const std::vector<jose::Algorithm>& algorithms) {
  jose::KeySet keys;
  if (IsPem(text)) {
    std::string last_error = "no --alg fits it";
    for (jose::Algorithm alg : algorithms) {
      if (jose::AlgorithmKeyType(alg) == jose::KeyType::kOct) continue;
      auto key = jose::Key::FromPem(text, alg);
      if (key) {
        keys.Add(std::move(*key));
      } else {
        last_error = key.error().detail;
      }
    }
    if (keys.empty()) throw std::runtime_error("the PEM key cannot be used: " + last_error);
    return keys;
  }
  const boost::json::object object = ParseJwkText(text);
  if (object.contains("keys")) {
    auto set = jose::KeySet::FromJwks(object);
    if (!set) throw std::runtime_error(set.error().detail);
    return std::move(*set);
  }
  (void)keys.AddJwk(object);  // an unusable JWK is judged per token, as in a set
  return keys;
}

jose::Key ParseSigningKey(const std::string& text, jose::Algorithm alg) {
  if (IsPem(text)) {
    auto key = jose::Key::FromPem(text, alg);
    if (!key) throw std::runtime_error(key.error().detail);
    if (!key->has_private()) throw std::runtime_error("a public key cannot sign");
    return std::move(*key);
  }
  boost::json::object jwk = ParseJwkText(text);
  if (!jwk.contains("alg")) jwk["alg"] = jose::AlgorithmName(alg);  // so that it signs with `alg`
  auto key = jose::Key::FromJwk(jwk);
  if (!key) throw std::runtime_error(key.error().detail);
  if (auto usable = key->CheckUsable(alg, jose::KeyOp::kSign); !usable) throw std::runtime_error(usable.error().detail);
  return std::move(*key);
}

std::vector<std::string> SplitCommaList(const std::string& list) {
  std::vector<std::string> items;
  std::size_t start = 0;
  while (start <= list.size()) {
    const std::size_t comma = std::min(list.find(',', start), list.size());
    if (comma > start) items.push_back(list.substr(start, comma - start));
    start = comma + 1;
  }
  return items;
}

std::vector<jose::Algorithm> ParseAlgorithmList(const std::string& list) {
  std::vector<jose::Algorithm> algorithms;
  for (const std::string& name : SplitCommaList(list)) {
    if (auto alg = jose::AlgorithmFromName(name)) algorithms.push_back(*alg);
  }
  return algorithms;
}

}  // namespace stockroom::cli
