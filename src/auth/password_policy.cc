#include "stockroom/auth/password_policy.h"

#include <unicode/normalizer2.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <fstream>
#include <string>
#include <unordered_set>

#include "stockroom/auth/password.h"

namespace stockroom::auth {
namespace {

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

const std::unordered_set<std::string>& CommonPasswords() {
  static const std::unordered_set<std::string> list = [] {
    std::unordered_set<std::string> words = {"stockroom", "inventory", "warehouse", "password", "passwort",
                                             "qwertzuiop", "qwertyuiop", "administrator", "letmein", "welcome",
                                             "changeme", "iloveyou", "trustno1", "sunshine", "football"};
    std::ifstream in(kCommonPasswordsFile);
    std::string line;
    while (std::getline(in, line)) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (line.empty() || line.rfind("#!comment", 0) == 0) continue;
      words.insert(Lower(line));
    }
    return words;
  }();
  return list;
}

std::size_t CodePoints(std::string_view text) {
  return static_cast<std::size_t>(
      std::count_if(text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xc0) != 0x80; }));
}

// "aaaaaaaaaaaa", "abababababab", "abcabcabcabc": a pattern of 1-3 characters repeated.
bool IsRepetition(std::string_view text) {
  for (std::size_t period = 1; period <= 3 && period < text.size(); ++period) {
    bool repeats = true;
    for (std::size_t i = period; i < text.size() && repeats; ++i) repeats = text[i] == text[i - period];
    if (repeats) return true;
  }
  return false;
}

// "123456789012", "abcdefghijkl", "987654321098": each character one after (or before) the last.
bool IsSequence(std::string_view text) {
  auto step = [](char a, char b) {
    if (std::isdigit(static_cast<unsigned char>(a)) && std::isdigit(static_cast<unsigned char>(b))) {
      return ((b - a) % 10 + 10) % 10;
    }
    return (static_cast<unsigned char>(b) - static_cast<unsigned char>(a) + 256) % 256;
  };
  if (text.size() < 2) return false;
  const int first = step(text[0], text[1]);
  if (first != 1 && first != 9 && first != 255) return false;
  for (std::size_t i = 2; i < text.size(); ++i) {
    if (step(text[i - 1], text[i]) != first) return false;
  }
  return true;
}

}  // namespace

std::optional<std::string> NormalizePassword(std::string_view text) {
  // ICU would replace invalid sequences with U+FFFD; refuse them instead.
  for (std::int32_t i = 0; i < static_cast<std::int32_t>(text.size());) {
    UChar32 c;
    U8_NEXT(reinterpret_cast<const std::uint8_t*>(text.data()), i, static_cast<std::int32_t>(text.size()), c);
    if (c < 0) return std::nullopt;
  }
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfkc = icu::Normalizer2::getNFKCInstance(status);
  if (U_FAILURE(status)) return std::nullopt;
  const icu::UnicodeString normalized =
      nfkc->normalize(icu::UnicodeString::fromUTF8(icu::StringPiece(text.data(), static_cast<std::int32_t>(text.size()))),
                      status);
  if (U_FAILURE(status)) return std::nullopt;
  std::string out;
  normalized.toUTF8String(out);
  return out;
}

bool IsCommonPassword(std::string_view password) { return CommonPasswords().contains(Lower(password)); }

std::optional<std::string> CheckNewPassword(std::string_view username, std::string_view password) {
  if (password.size() > kMaxPasswordBytes) return "must be at most 1024 bytes";
  const auto normalized = NormalizePassword(password);
  if (!normalized) return "must be valid UTF-8";
  if (CodePoints(*normalized) < kMinPasswordLength) return "must be at least 12 characters";
  const std::string lower = Lower(*normalized);
  if (lower == Lower(username)) return "must not be the username";
  // A common password with digits or symbols stuck on ("password1234!") is still common.
  std::string_view stem(lower);
  while (!stem.empty() && !std::isalpha(static_cast<unsigned char>(stem.back())) &&
         static_cast<unsigned char>(stem.back()) < 0x80) {
    stem.remove_suffix(1);
  }
  if (IsCommonPassword(lower) || (stem.size() >= 4 && IsCommonPassword(stem)) || stem == Lower(username)) {
    return "is too common or too easy to guess";
  }
  if (IsRepetition(lower) || IsSequence(lower)) return "must not be a repeated pattern or a sequence";
  return std::nullopt;
}

}  // namespace stockroom::auth
