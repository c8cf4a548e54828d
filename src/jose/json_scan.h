// A strict JSON validator that builds no DOM, for the token verification fast path (jwt.cc),
// and the helpers that read the values it points at. Private to jose/. Thread-safe: no state
// outside the objects a caller passes.
//
// ScanStrictJson accepts exactly the texts ParseStrictJson (json.h) accepts: the same UTF-8,
// escape, number, depth and duplicate-name rules, the latter compared after unescaping. Instead
// of a boost::json::value it reports the kind of the top-level value and, for an object, where
// each top-level member's name and value lie in the text. Everything nested is validated and
// skipped. Nothing is copied except the names that hold escapes (for the duplicate check).
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "stockroom/jose/error.h"

namespace stockroom::jose::detail {

enum class JsonKind : std::uint8_t { kNull, kFalse, kTrue, kNumber, kString, kArray, kObject };

// A vector of trivially copyable T that keeps its first N elements inline (uninitialized
// until used, so an unused one costs nothing) and moves to the heap only beyond that.
template <class T, std::size_t N>
class SmallVector {
  static_assert(std::is_trivially_copyable_v<T> && std::is_trivially_destructible_v<T>);

 public:
  SmallVector() = default;
  SmallVector(const SmallVector& other) { *this = other; }
  SmallVector& operator=(const SmallVector& other) {
    if (this == &other) return *this;
    clear();
    for (const T& value : other) push_back(value);
    return *this;
  }
  SmallVector(SmallVector&& other) noexcept { *this = std::move(other); }
  SmallVector& operator=(SmallVector&& other) noexcept {
    if (this == &other) return *this;
    if (other.spilled_) {
      heap_ = std::move(other.heap_);
    } else {
      std::copy(other.inline_data(), other.inline_data() + other.size_, inline_data());
      heap_.clear();
    }
    size_ = other.size_;
    spilled_ = other.spilled_;
    other.clear();
    return *this;
  }

  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  T* data() { return spilled_ ? heap_.data() : inline_data(); }
  const T* data() const { return spilled_ ? heap_.data() : inline_data(); }
  T* begin() { return data(); }
  T* end() { return data() + size_; }
  const T* begin() const { return data(); }
  const T* end() const { return data() + size_; }
  T& operator[](std::size_t i) { return data()[i]; }
  const T& operator[](std::size_t i) const { return data()[i]; }

  __attribute__((always_inline)) void push_back(const T& value) { Append() = value; }

  // A new last element, uninitialized, for its fields to be written in place: building a
  // struct and copying it in costs a store-forwarding stall per copy.
  __attribute__((always_inline)) T& Append() {
    if (!spilled_ && size_ < N) return inline_data()[size_++];
    return AppendSlow();
  }
  // Keeps the first `n` <= size() elements.
  void truncate(std::size_t n) {
    if (spilled_) heap_.resize(n);
    size_ = n;
  }
  void clear() {
    heap_.clear();
    size_ = 0;
    spilled_ = false;
  }

 private:
  __attribute__((noinline)) T& AppendSlow() {
    if (!spilled_) {
      heap_.reserve(2 * N);
      heap_.assign(inline_data(), inline_data() + N);
      spilled_ = true;
    }
    heap_.emplace_back();
    ++size_;
    return heap_.back();
  }

  T* inline_data() { return reinterpret_cast<T*>(inline_); }
  const T* inline_data() const { return reinterpret_cast<const T*>(inline_); }

  alignas(T) unsigned char inline_[N * sizeof(T)];
  std::vector<T> heap_;  // all elements once spilled_
  std::size_t size_ = 0;
  bool spilled_ = false;
};

// A cheap first test for name equality: the length (saturated at 255) and the first seven
// bytes. Equal names have equal keys; names of at most seven bytes are equal iff their keys are.
constexpr std::uint64_t NameKey(std::string_view name) {
  const std::size_t n = name.size() < 7 ? name.size() : 7;
  std::uint64_t key = static_cast<std::uint64_t>(name.size() < 255 ? name.size() : 255) << 56;
  for (std::size_t i = 0; i < n; ++i) key |= static_cast<std::uint64_t>(static_cast<unsigned char>(name[i])) << (8 * i);
  return key;
}
constexpr std::size_t kNameKeyBytes = 7;

// A member of the top-level object, as offsets into the scanned text.
struct JsonMember {
  std::uint64_t name_key;    // NameKey of the unescaped name
  std::uint32_t name_at;     // the first byte after the name's opening quote
  std::uint32_t name_size;   // raw bytes up to the closing quote (escapes not yet decoded)
  std::uint32_t value_at;    // the value's first byte; for a string, after the opening quote
  std::uint32_t value_size;  // raw bytes of the value; for a string, up to the closing quote
  // A number written as a plain integer of at most 18 digits without sign: its value (below
  // 10^18, exact), else -1.
  std::int64_t integer;
  JsonKind kind;
  bool name_escaped;   // the raw name holds a backslash escape
  bool value_escaped;  // a string value holds a backslash escape

  std::string_view RawName(std::string_view text) const { return text.substr(name_at, name_size); }
  std::string_view RawValue(std::string_view text) const { return text.substr(value_at, value_size); }
};

// Room for the members of a typical header or claims set without touching the heap.
using JsonMembers = SmallVector<JsonMember, 16>;

// Validates `text` as ParseStrictJson does, failing with `error_code` and the same kind of
// detail. On success sets `kind` to the kind of the top-level value and, when it is an object,
// fills `members` (cleared first) with its members in order. Texts longer than 4 GiB are refused.
// A fast path takes the usual flat objects in plain ASCII (json_scan.cc); `allow_flat` false
// forces the general path, so that tests and the fuzzer can check that both agree.
Result<void> ScanStrictJson(std::string_view text, Errc error_code, JsonKind& kind, JsonMembers& members,
                            bool allow_flat = true);

// Appends the unescaped form of `raw`, the text between the quotes of a string that
// ScanStrictJson accepted, to `out`.
void AppendUnescaped(std::string_view raw, std::string& out);

// The text of a member's name or string value: the raw bytes when it holds no escape, else its
// unescaped form written to `scratch`.
inline std::string_view StringText(std::string_view raw, bool escaped, std::string& scratch) {
  if (!escaped) return raw;
  scratch.clear();
  AppendUnescaped(raw, scratch);
  return scratch;
}

// Whether the raw name of `member` is `name` after unescaping.
bool MemberNameIs(std::string_view text, const JsonMember& member, std::string_view name);

// The member named `name` (after unescaping), or nullptr. `key` is NameKey(name).
const JsonMember* FindMember(std::string_view text, const JsonMember* begin, const JsonMember* end,
                             std::string_view name, std::uint64_t key);
inline const JsonMember* FindMember(std::string_view text, const JsonMember* begin, const JsonMember* end,
                                    std::string_view name) {
  return FindMember(text, begin, end, name, NameKey(name));
}

// The value of a number literal that matches the RFC 8259 grammar and is at most
// kMaxJsonNumberChars long: int64 for integers (no fraction or exponent) that fit, else uint64
// when it fits, else double. Shared by ParseStrictJson and the fast path so both read numbers
// identically.
struct JsonNumber {
  enum class Type { kInt64, kUint64, kDouble } type = Type::kInt64;
  std::int64_t int64 = 0;
  std::uint64_t uint64 = 0;
  double real = 0;
};
// nullptr and `out` set, or why the literal is refused (its magnitude overflows a double).
const char* ConvertJsonNumber(std::string_view literal, JsonNumber& out);

// Iterates over the elements of an array that ScanStrictJson accepted, given the raw text of
// the array from its '[' to its ']'.
class JsonArrayReader {
 public:
  explicit JsonArrayReader(std::string_view array_text);
  // The next element: its kind, its raw text (for a string, between the quotes) and whether a
  // string holds an escape. False after the last one.
  bool Next(JsonKind& kind, std::string_view& raw, bool& escaped);

 private:
  const char* pos_;
  const char* end_;
};

}  // namespace stockroom::jose::detail
