// JWS compact verification (rules 1-9 of docs/jose.md) and signing. Thread-safe: Verify and
// Sign only read the object.

#include "stockroom/jose/jwt.h"

#include <algorithm>
#include <atomic>
#include <bit>
#include <cassert>
#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>
#include <chrono>
#include <cmath>
#include <cstring>
#include <new>
#include <limits>
#include <stdexcept>

#include "base64url_detail.h"
#include "json_scan.h"
#include "stockroom/jose/base64url.h"
#include "stockroom/jose/json.h"

namespace stockroom::jose {
namespace {

// Bounds for NumericDate claims (rule 9): 0 to 9999-12-31T23:59:59Z. Later dates are no
// real expiry, and the bound keeps exp + leeway far from any overflow.
constexpr double kMaxNumericDate = 253402300799.0;

// Detail strings quote at most this many bytes of untrusted input, in bytes.
constexpr std::size_t kMaxQuotedBytes = 64;

Error Fail(Errc code, std::string detail) { return Error{code, std::move(detail)}; }

std::string Quote(std::string_view text) {
  std::string out = "\"";
  out.append(text.substr(0, kMaxQuotedBytes));
  if (text.size() > kMaxQuotedBytes) out += "...";
  out += '"';
  return out;
}

char AsciiLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool EqualsIgnoreAsciiCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (AsciiLower(a[i]) != AsciiLower(b[i])) return false;
  }
  return true;
}

// RFC 7515 s.4.1.9 / s.4.1.10: media types in typ and cty may omit "application/".
std::string_view StripApplicationPrefix(std::string_view media_type) {
  constexpr std::string_view kPrefix = "application/";
  if (media_type.size() >= kPrefix.size() && EqualsIgnoreAsciiCase(media_type.substr(0, kPrefix.size()), kPrefix)) {
    media_type.remove_prefix(kPrefix.size());
  }
  return media_type;
}

bool SameMediaType(std::string_view a, std::string_view b) {
  return EqualsIgnoreAsciiCase(StripApplicationPrefix(a), StripApplicationPrefix(b));
}

std::int64_t SaturatingAdd(std::int64_t a, std::int64_t b) {
  std::int64_t sum = 0;
  if (__builtin_add_overflow(a, b, &sum)) {
    return b > 0 ? std::numeric_limits<std::int64_t>::max() : std::numeric_limits<std::int64_t>::min();
  }
  return sum;
}

// `t` as a double, clamped to +-2^53 where every integer is exact. NumericDates lie within
// [0, kMaxNumericDate], so clamping never changes a comparison with one.
double ExactDouble(std::int64_t t) {
  constexpr std::int64_t kLimit = std::int64_t{1} << 53;
  return static_cast<double>(std::clamp(t, -kLimit, kLimit));
}

// RFC 7519 s.2 NumericDate, with rule 9's range: a JSON number in range, or nullopt.
std::optional<double> NumericDate(std::string_view json, const detail::JsonMember& member) {
  if (member.kind != detail::JsonKind::kNumber) return std::nullopt;
  // The usual form, a plain integer, the scanner has read already.
  if (member.integer >= 0) {
    if (member.integer > static_cast<std::int64_t>(kMaxNumericDate)) return std::nullopt;
    return static_cast<double>(member.integer);
  }
  detail::JsonNumber number;
  if (detail::ConvertJsonNumber(member.RawValue(json), number) != nullptr) return std::nullopt;
  switch (number.type) {
    case detail::JsonNumber::Type::kInt64:
      if (number.int64 < 0 || number.int64 > static_cast<std::int64_t>(kMaxNumericDate)) return std::nullopt;
      return static_cast<double>(number.int64);
    case detail::JsonNumber::Type::kUint64:
      return std::nullopt;  // only values above INT64_MAX are uint64
    case detail::JsonNumber::Type::kDouble:
      if (!std::isfinite(number.real) || number.real < 0 || number.real > kMaxNumericDate) return std::nullopt;
      return number.real;
  }
  return std::nullopt;
}

// A member that is present and not null (RFC 7519 s.4.1: null is treated as absent for
// iss/aud, and as a type error for the NumericDate claims, which must be numbers).
const detail::JsonMember* NonNull(const detail::JsonMember* member) {
  return member != nullptr && member->kind != detail::JsonKind::kNull ? member : nullptr;
}

// The header members the rules read, found in one pass over the scanned header. (A presence
// mask rather than null-initialized pointers: GCC zeroes such a struct with `rep stos`, which
// costs more than the whole lookup.)
class HeaderMembers {
 public:
  enum Name { kAlg, kCrit, kB64, kEnc, kCty, kTyp, kKid, kCount };

  // Keys of names of at most seven bytes identify them exactly (json_scan.h), escapes decoded.
  explicit HeaderMembers(const detail::JsonMembers& members) {
    using detail::NameKey;
    for (const detail::JsonMember& m : members) {
      switch (m.name_key) {
        case NameKey("alg"): Set(kAlg, m); break;
        case NameKey("crit"): Set(kCrit, m); break;
        case NameKey("b64"): Set(kB64, m); break;
        case NameKey("enc"): Set(kEnc, m); break;
        case NameKey("cty"): Set(kCty, m); break;
        case NameKey("typ"): Set(kTyp, m); break;
        case NameKey("kid"): Set(kKid, m); break;
        default: break;
      }
    }
  }

  const detail::JsonMember* operator[](Name name) const { return (present_ >> name) & 1 ? found_[name] : nullptr; }

 private:
  void Set(Name name, const detail::JsonMember& m) {
    found_[name] = &m;
    present_ |= 1u << name;
  }

  std::uint32_t present_ = 0;
  const detail::JsonMember* found_[kCount];
};

// The home slot of a name key in a table of `slots` (a power of two) entries.
std::size_t ClaimSlotIndex(std::uint64_t key, std::size_t slots) {
  return static_cast<std::size_t>((key * 0x9E3779B97F4A7C15ull) >> 40) & (slots - 1);
}

// The registered claims rule 9 reads, and which required claims are present and not null,
// found in one pass over the scanned claims set with one table lookup per member.
struct ClaimMembers {
  const detail::JsonMember* registered[6] = {};  // by Verifier::ClaimSlot::registered
  std::uint64_t required_found = 0;  // bit i: required claim i (of the first 64) is present and not null
};

template <class Slot>
ClaimMembers FindClaimMembers(std::string_view json, const detail::JsonMembers& members,
                              const std::vector<std::string>& required, const std::vector<Slot>& slots) {
  ClaimMembers found;
  const std::size_t size = slots.size();
  for (const detail::JsonMember& m : members) {
    std::size_t at = ClaimSlotIndex(m.name_key, size);
    while ((slots[at].required != 0 || slots[at].registered != 0) && slots[at].key != m.name_key) {
      at = (at + 1) & (size - 1);
    }
    const Slot& slot = slots[at];
    if (slot.key != m.name_key || (slot.required == 0 && slot.registered == 0)) continue;
    // Keys of names up to seven bytes identify them (json_scan.h), as do the registered names.
    if (slot.registered != 0) found.registered[slot.registered] = &m;
    if (m.kind == detail::JsonKind::kNull) continue;
    for (std::uint64_t mask = slot.required; mask != 0; mask &= mask - 1) {
      const int i = std::countr_zero(mask);
      if (required[i].size() <= detail::kNameKeyBytes || detail::MemberNameIs(json, m, required[i])) {
        found.required_found |= std::uint64_t{1} << i;
      }
    }
  }
  return found;
}

// A buffer on the stack for the decoded signature, on the heap only for outsized ones.
class SignatureBuffer {
 public:
  explicit SignatureBuffer(std::size_t size) : size_(size) {
    if (size > kInline) heap_.resize(size);
  }
  unsigned char* data() { return size_ > kInline ? heap_.data() : inline_; }
  std::string_view view() { return {reinterpret_cast<const char*>(data()), size_}; }

 private:
  static constexpr std::size_t kInline = 1024;  // RSA 8192 bits; ES512 needs 132 bytes
  unsigned char inline_[kInline];
  std::vector<unsigned char> heap_;
  std::size_t size_;
};

// Rule 9 on the scanned claims set.
template <class Slot>
Result<void> CheckClaims(const VerifyPolicy& policy_, const std::vector<Slot>& claim_slots,
                         std::int64_t now, std::string_view json, const detail::JsonMembers& members) {
  const ClaimMembers claims = FindClaimMembers(json, members, policy_.required_claims, claim_slots);
  // Types first, so a malformed claim is reported as such whatever else is wrong.
  // RFC 7519 s.4.1.4-6: exp, nbf, iat are NumericDates, i.e. JSON numbers.
  struct TimeClaim {
    std::string_view name;
    const detail::JsonMember* member;
    std::optional<double> value;
  };
  TimeClaim times[] = {{"exp", claims.registered[1], std::nullopt}, {"nbf", claims.registered[2], std::nullopt},
                       {"iat", claims.registered[3], std::nullopt}};
  for (TimeClaim& claim : times) {
    if (claim.member == nullptr) continue;
    claim.value = NumericDate(json, *claim.member);
    if (!claim.value) {
      return Fail(Errc::kClaimType, std::string(claim.name) + " is not a number in [0, 253402300799]");
    }
  }
  // RFC 7519 s.4.1.1: iss is a StringOrURI.
  const detail::JsonMember* iss = NonNull(claims.registered[4]);
  if (iss != nullptr && iss->kind != detail::JsonKind::kString) return Fail(Errc::kClaimType, "iss is not a string");
  // RFC 7519 s.4.1.3: aud is a string or an array of strings.
  const detail::JsonMember* aud = NonNull(claims.registered[5]);
  if (aud != nullptr && aud->kind != detail::JsonKind::kString) {
    if (aud->kind != detail::JsonKind::kArray) return Fail(Errc::kClaimType, "aud is neither a string nor an array");
    detail::JsonArrayReader entries(aud->RawValue(json));
    detail::JsonKind kind = detail::JsonKind::kNull;
    std::string_view raw;
    bool escaped = false;
    while (entries.Next(kind, raw, escaped)) {
      if (kind != detail::JsonKind::kString) return Fail(Errc::kClaimType, "aud holds a non-string");
    }
  }

  for (std::size_t i = 0; i < policy_.required_claims.size(); ++i) {
    const std::string& name = policy_.required_claims[i];
    const bool present = i < 64 ? (claims.required_found >> i) & 1
                                : NonNull(detail::FindMember(json, members.begin(), members.end(), name)) != nullptr;
    if (!present) {
      return Fail(Errc::kMissingClaim, "claim " + Quote(name) + " is required");
    }
  }

  const std::int64_t leeway = policy_.leeway_seconds;
  // RFC 7519 s.4.1.4: valid only before exp: now < exp + leeway, i.e. now - leeway < exp.
  if (times[0].value && !(ExactDouble(SaturatingAdd(now, -leeway)) < *times[0].value)) {
    return Fail(Errc::kExpired, "expired at " + std::to_string(*times[0].value) + ", now " + std::to_string(now) +
                                    ", leeway " + std::to_string(leeway));
  }
  // RFC 7519 s.4.1.5: not valid before nbf: nbf <= now + leeway.
  if (times[1].value && !(*times[1].value <= ExactDouble(SaturatingAdd(now, leeway)))) {
    return Fail(Errc::kNotYetValid, "not valid before " + std::to_string(*times[1].value) + ", now " +
                                        std::to_string(now) + ", leeway " + std::to_string(leeway));
  }
  // RFC 7519 s.4.1.6 defines iat; a token from the future is refused (policy).
  if (times[2].value && !(*times[2].value <= ExactDouble(SaturatingAdd(now, leeway)))) {
    return Fail(Errc::kIssuedInFuture, "issued at " + std::to_string(*times[2].value) + ", now " +
                                           std::to_string(now) + ", leeway " + std::to_string(leeway));
  }

  // Exact, case-sensitive comparisons after JSON unescaping (RFC 7519 s.4.1.1, s.4.1.3).
  std::string scratch;
  if (policy_.issuer) {
    if (iss == nullptr) return Fail(Errc::kIssuerMismatch, "iss missing");
    const std::string_view text = detail::StringText(iss->RawValue(json), iss->value_escaped, scratch);
    if (text != *policy_.issuer) return Fail(Errc::kIssuerMismatch, "iss " + Quote(text));
  }
  if (policy_.audience) {
    bool found = false;
    if (aud != nullptr && aud->kind == detail::JsonKind::kString) {
      found = detail::StringText(aud->RawValue(json), aud->value_escaped, scratch) == *policy_.audience;
    } else if (aud != nullptr) {
      detail::JsonArrayReader entries(aud->RawValue(json));
      detail::JsonKind kind = detail::JsonKind::kNull;
      std::string_view raw;
      bool escaped = false;
      while (!found && entries.Next(kind, raw, escaped)) {
        found = detail::StringText(raw, escaped, scratch) == *policy_.audience;
      }
    }
    if (!found) return Fail(Errc::kAudienceMismatch, aud == nullptr ? "aud missing" : "aud does not name this audience");
  } else if (aud != nullptr) {
    // RFC 7519 s.4.1.3: a recipient that does not identify itself with a value in aud MUST
    // reject the token.
    return Fail(Errc::kAudienceMismatch, "aud present but no audience is configured");
  }
  return {};
}

}  // namespace

// ---- VerifiedToken -------------------------------------------------------------------------

// Everything a VerifiedToken keeps, followed in the same allocation by the decoded header and
// payload bytes.
struct VerifiedToken::State {
  static std::unique_ptr<State> Create(std::size_t header_size, std::size_t payload_size) {
    void* memory = ::operator new(sizeof(State) + header_size + payload_size);
    return std::unique_ptr<State>(new (memory) State(header_size, payload_size));
  }
  static std::unique_ptr<State> Copy(const State& other) {
    auto copy = Create(other.header_size, other.payload_size);
    std::memcpy(copy->bytes(), other.bytes(), other.header_size + other.payload_size);
    copy->algorithm = other.algorithm;
    copy->has_claims = other.has_claims;
    copy->claims_members = other.claims_members;
    return copy;
  }
  static void operator delete(void* memory) { ::operator delete(memory); }  // pairs with Create

  State(const State&) = delete;
  State& operator=(const State&) = delete;
  ~State() {
    delete header_object.load(std::memory_order_relaxed);
    delete claims_object.load(std::memory_order_relaxed);
  }

  char* bytes() { return reinterpret_cast<char*>(this + 1); }
  const char* bytes() const { return reinterpret_cast<const char*>(this + 1); }
  std::string_view header_json() const { return {bytes(), header_size}; }
  std::string_view payload() const { return {bytes() + header_size, payload_size}; }

  // A JSON object parsed from `json` on first use, kept in `slot`. Concurrent first calls may
  // each parse; one result is kept, the others are discarded.
  static const boost::json::object& Lazy(std::atomic<boost::json::object*>& slot, std::string_view json) {
    if (boost::json::object* ready = slot.load(std::memory_order_acquire)) return *ready;
    auto parsed = ParseStrictJson(json, Errc::kPayloadJson);
    // The verifier's scanner accepted these bytes, and ParseStrictJson accepts the same texts.
    assert(parsed && parsed->is_object());
    auto fresh = std::make_unique<boost::json::object>();
    if (parsed && parsed->is_object()) *fresh = std::move(parsed->get_object());
    boost::json::object* expected = nullptr;
    if (slot.compare_exchange_strong(expected, fresh.get(), std::memory_order_acq_rel, std::memory_order_acquire)) {
      return *fresh.release();
    }
    return *expected;
  }

  const std::size_t header_size;   // bytes of the decoded header
  const std::size_t payload_size;  // bytes of the decoded payload, which follow it
  Algorithm algorithm = Algorithm::kHS256;
  bool has_claims = false;               // the kJwt profile
  detail::JsonMembers claims_members;    // the claims set's members, as offsets into payload()
  mutable std::atomic<boost::json::object*> header_object{nullptr};
  mutable std::atomic<boost::json::object*> claims_object{nullptr};

 private:
  State(std::size_t header, std::size_t payload) : header_size(header), payload_size(payload) {}
};

VerifiedToken::VerifiedToken(std::unique_ptr<State> state) : state_(std::move(state)) {}
VerifiedToken::VerifiedToken(const VerifiedToken& other)
    : state_(other.state_ ? State::Copy(*other.state_) : nullptr) {}
VerifiedToken& VerifiedToken::operator=(const VerifiedToken& other) {
  if (this != &other) state_ = other.state_ ? State::Copy(*other.state_) : nullptr;
  return *this;
}
VerifiedToken::VerifiedToken(VerifiedToken&& other) noexcept = default;
VerifiedToken& VerifiedToken::operator=(VerifiedToken&& other) noexcept = default;
VerifiedToken::~VerifiedToken() = default;

const boost::json::object& VerifiedToken::header() const {
  return State::Lazy(state_->header_object, state_->header_json());
}

const boost::json::object& VerifiedToken::claims() const {
  static const boost::json::object kNone;
  if (!state_->has_claims) return kNone;
  return State::Lazy(state_->claims_object, state_->payload());
}

std::string_view VerifiedToken::payload() const { return state_->payload(); }

Algorithm VerifiedToken::algorithm() const { return state_->algorithm; }

std::optional<std::string_view> VerifiedToken::StringClaim(std::string_view name) const {
  if (!state_->has_claims) return std::nullopt;
  const std::string_view json = state_->payload();
  const detail::JsonMember* member =
      detail::FindMember(json, state_->claims_members.begin(), state_->claims_members.end(), name);
  if (member == nullptr || member->kind != detail::JsonKind::kString) return std::nullopt;
  if (!member->value_escaped) return member->RawValue(json);
  // The unescaped text needs storage that lives as long as the token: the parsed claims.
  const boost::json::value* value = claims().if_contains(name);
  if (value == nullptr || !value->is_string()) return std::nullopt;
  return std::string_view(value->get_string());
}

std::optional<double> VerifiedToken::NumberClaim(std::string_view name) const {
  if (!state_->has_claims) return std::nullopt;
  const std::string_view json = state_->payload();
  const detail::JsonMember* member =
      detail::FindMember(json, state_->claims_members.begin(), state_->claims_members.end(), name);
  if (member == nullptr || member->kind != detail::JsonKind::kNumber) return std::nullopt;
  detail::JsonNumber number;
  if (detail::ConvertJsonNumber(member->RawValue(json), number) != nullptr) return std::nullopt;
  switch (number.type) {
    case detail::JsonNumber::Type::kInt64: return static_cast<double>(number.int64);
    case detail::JsonNumber::Type::kUint64: return static_cast<double>(number.uint64);
    case detail::JsonNumber::Type::kDouble: return number.real;
  }
  return std::nullopt;
}

// ---- Verifier ------------------------------------------------------------------------------

Verifier::Verifier(KeySet keys, VerifyPolicy policy) : keys_(std::move(keys)), policy_(std::move(policy)) {
  policy_.leeway_seconds = std::max<std::int64_t>(policy_.leeway_seconds, 0);
  const std::size_t indexed = std::min<std::size_t>(policy_.required_claims.size(), 64);
  std::size_t slots = 16;
  while (slots < 2 * (indexed + 5)) slots *= 2;
  claim_slots_.assign(slots, ClaimSlot{});
  auto slot = [&](std::uint64_t key) -> ClaimSlot& {
    std::size_t at = ClaimSlotIndex(key, slots);
    while ((claim_slots_[at].required != 0 || claim_slots_[at].registered != 0) && claim_slots_[at].key != key) {
      at = (at + 1) & (slots - 1);
    }
    claim_slots_[at].key = key;
    return claim_slots_[at];
  };
  int registered = 0;
  for (std::string_view name : {"exp", "nbf", "iat", "iss", "aud"}) slot(detail::NameKey(name)).registered = ++registered;
  for (std::size_t i = 0; i < indexed; ++i) {
    slot(detail::NameKey(policy_.required_claims[i])).required |= std::uint64_t{1} << i;
  }
}

std::int64_t Verifier::Now() const {
  if (policy_.now) return policy_.now();
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// The rules run in the documented order, and each reports what the DOM-based reading of the
// token reported; what changed is how: the segments are decoded into one buffer (header and
// payload, kept by the VerifiedToken) and a stack buffer (signature), and header and payload
// are validated by a scanner that builds no JSON tree and notes where the top-level members
// lie (detail::ScanStrictJson, which accepts exactly what ParseStrictJson accepts).
Result<VerifiedToken> Verifier::Verify(std::string_view token) const {
  // 1. Size, before any decoding: bounds the work of an unauthenticated client (DESIGN.md s.7).
  if (token.size() > policy_.max_token_bytes) {
    return Fail(Errc::kTokenTooLarge, std::to_string(token.size()) + " bytes, the limit is " +
                                          std::to_string(policy_.max_token_bytes));
  }

  // 2. Structure. RFC 7515 s.7.1: BASE64URL(header) '.' BASE64URL(payload) '.' BASE64URL(sig).
  // Splitting at the first two dots and refusing any third keeps this linear (a token of
  // 10,000 dots costs one scan). An empty signature is judged by the signature check, so
  // that an unsecured "none" token is reported as the algorithm it is.
  const std::size_t dot1 = token.find('.');
  const std::size_t dot2 = dot1 == std::string_view::npos ? dot1 : token.find('.', dot1 + 1);
  if (dot2 == std::string_view::npos) return Fail(Errc::kMalformed, "fewer than three segments");
  if (token.find('.', dot2 + 1) != std::string_view::npos) {
    return Fail(Errc::kMalformed, "more than three segments (JWE and JSON serializations are not accepted)");
  }
  const std::string_view header_text = token.substr(0, dot1);
  const std::string_view payload_text = token.substr(dot1 + 1, dot2 - dot1 - 1);
  const std::string_view signature_text = token.substr(dot2 + 1);
  const std::string_view signing_input = token.substr(0, dot2);  // RFC 7515 s.5.2 step 8
  if (header_text.empty()) return Fail(Errc::kMalformed, "empty header segment");

  // 3. base64url (RFC 7515 s.2), every segment before anything is interpreted.
  const std::size_t header_size = detail::Base64UrlDecodedSize(header_text.size());
  auto state = VerifiedToken::State::Create(header_size, detail::Base64UrlDecodedSize(payload_text.size()));
  auto* bytes = reinterpret_cast<unsigned char*>(state->bytes());
  if (auto decoded = detail::Base64UrlDecodeTo(header_text, bytes); !decoded) {
    return Fail(decoded.error().code, "header: " + decoded.error().detail);
  }
  if (auto decoded = detail::Base64UrlDecodeTo(payload_text, bytes + header_size); !decoded) {
    return Fail(decoded.error().code, "payload: " + decoded.error().detail);
  }
  SignatureBuffer signature(detail::Base64UrlDecodedSize(signature_text.size()));
  if (auto decoded = detail::Base64UrlDecodeTo(signature_text, signature.data()); !decoded) {
    return Fail(decoded.error().code, "signature: " + decoded.error().detail);
  }

  // 4. Header JSON: RFC 7515 s.5.2 steps 3-4, strictly (no duplicate names).
  const std::string_view header_json = state->header_json();
  detail::JsonKind header_kind = detail::JsonKind::kNull;
  detail::JsonMembers header_members;
  if (auto scanned = detail::ScanStrictJson(header_json, Errc::kHeaderJson, header_kind, header_members); !scanned) {
    return scanned.error();
  }
  if (header_kind != detail::JsonKind::kObject) return Fail(Errc::kHeaderJson, "the header is not a JSON object");
  const HeaderMembers members(header_members);
  struct {
    const detail::JsonMember *alg, *crit, *b64, *enc, *cty, *typ, *kid;
  } const header{members[HeaderMembers::kAlg], members[HeaderMembers::kCrit], members[HeaderMembers::kB64],
                 members[HeaderMembers::kEnc], members[HeaderMembers::kCty], members[HeaderMembers::kTyp],
                 members[HeaderMembers::kKid]};

  // 5. alg: RFC 7515 s.4.1.1 (required, case-sensitive), RFC 8725 s.3.1 (allow-list;
  // "none" is never accepted).
  if (header.alg == nullptr) return Fail(Errc::kAlgInvalid, "the header has no alg");
  if (header.alg->kind != detail::JsonKind::kString) return Fail(Errc::kAlgInvalid, "alg is not a string");
  std::string alg_scratch;
  const std::string_view alg_name =
      detail::StringText(header.alg->RawValue(header_json), header.alg->value_escaped, alg_scratch);
  if (EqualsIgnoreAsciiCase(alg_name, "none")) return Fail(Errc::kAlgNotAllowed, "unsecured JWS (alg none)");
  const std::optional<Algorithm> alg = AlgorithmFromName(alg_name);
  if (!alg || std::find(policy_.algorithms.begin(), policy_.algorithms.end(), *alg) == policy_.algorithms.end()) {
    return Fail(Errc::kAlgNotAllowed, "alg " + Quote(alg_name) + " is not allowed");
  }

  // 6. Other header members.
  // RFC 7515 s.4.1.11: a recipient MUST reject a JWS whose crit lists extensions it does not
  // understand. We understand none, and a malformed crit is invalid as well.
  if (header.crit != nullptr) return Fail(Errc::kCritUnsupported, "crit present; no extension is supported");
  // RFC 7797 s.3: b64 false changes what the signature covers; only the default is accepted.
  if (header.b64 != nullptr && header.b64->kind != detail::JsonKind::kTrue) {
    return Fail(Errc::kB64HeaderUnsupported, "b64 other than true");
  }
  // RFC 7516 s.9: "enc" marks a JWE header.
  if (header.enc != nullptr) return Fail(Errc::kJweUnsupported, "enc present: a JWE header");
  std::string scratch;
  // RFC 7519 s.5.2: cty "JWT" means the payload is itself a JWT.
  if (header.cty != nullptr && header.cty->kind == detail::JsonKind::kString &&
      SameMediaType(detail::StringText(header.cty->RawValue(header_json), header.cty->value_escaped, scratch), "JWT")) {
    return Fail(Errc::kNestedJwtUnsupported, "cty JWT: nested tokens are not supported");
  }
  // RFC 7515 s.4.1.9, RFC 8725 s.3.11 (explicit typing).
  if (header.typ != nullptr && header.typ->kind != detail::JsonKind::kString) {
    return Fail(Errc::kTypMismatch, "typ is not a string");
  }
  if (policy_.typ) {
    if (header.typ == nullptr) return Fail(Errc::kTypMismatch, "typ missing, " + Quote(*policy_.typ) + " required");
    const std::string_view typ =
        detail::StringText(header.typ->RawValue(header_json), header.typ->value_escaped, scratch);
    if (!SameMediaType(typ, *policy_.typ)) {
      return Fail(Errc::kTypMismatch, "typ " + Quote(typ) + ", " + Quote(*policy_.typ) + " required");
    }
  }

  // 7. Key selection. jwk/jku/x5u/x5c/x5t are never consulted, and kid is only compared,
  // never used as a path or query (RFC 8725 s.3.10): keys come from configuration.
  detail::SmallVector<const Key*, 8> candidates;
  if (header.kid != nullptr) {
    // RFC 7515 s.4.1.4: kid is a string; matched exactly, with no fallback to other keys.
    if (header.kid->kind != detail::JsonKind::kString) return Fail(Errc::kKidType, "kid is not a string");
    const std::string_view kid =
        detail::StringText(header.kid->RawValue(header_json), header.kid->value_escaped, scratch);
    for (const Key& key : keys_.keys()) {
      if (key.kid() && *key.kid() == kid) candidates.push_back(&key);
    }
    if (candidates.empty()) {
      if (const Error* why = keys_.UnusableKid(kid)) return Fail(Errc::kKeyUnusable, "kid " + Quote(kid) + ": " + why->detail);
      return Fail(Errc::kKidUnknown, "no trusted key has kid " + Quote(kid));
    }
  } else {
    for (const Key& key : keys_.keys()) candidates.push_back(&key);
  }
  std::string unusable_detail;
  std::size_t usable = 0;
  for (const Key* key : candidates) {
    auto checked = key->CheckUsable(*alg, KeyOp::kVerify);
    if (checked) {
      candidates[usable++] = key;
    } else {
      unusable_detail = std::move(checked.error().detail);
    }
  }
  candidates.truncate(usable);
  if (candidates.empty()) {
    return Fail(Errc::kKeyUnusable, "for " + std::string(AlgorithmName(*alg)) + ": " +
                                        (unusable_detail.empty() ? std::string("no trusted key") : unusable_detail));
  }

  // 8. Signature, before any claim is read (RFC 7515 s.5.2 step 8; RFC 7519 s.7.2 step 10
  // parses the claims only afterwards).
  // The error of the last candidate that fails, when none verifies. (No optional<Error> to
  // hold it: GCC zeroes one with `rep stos`.)
  for (std::size_t i = 0;; ++i) {
    auto result = candidates[i]->Verify(*alg, signing_input, signature.view());
    if (result) break;
    if (i + 1 == candidates.size()) return result.error();
  }

  // 9. Payload and claims.
  state->algorithm = *alg;
  if (policy_.profile == VerifyPolicy::Profile::kJws) return VerifiedToken(std::move(state));
  state->has_claims = true;
  const std::string_view payload = state->payload();
  detail::JsonKind payload_kind = detail::JsonKind::kNull;
  if (auto scanned = detail::ScanStrictJson(payload, Errc::kPayloadJson, payload_kind, state->claims_members);
      !scanned) {
    return scanned.error();
  }
  // RFC 7519 s.7.2 step 10: the claims set is a JSON object.
  if (payload_kind != detail::JsonKind::kObject) return Fail(Errc::kPayloadJson, "the payload is not a JSON object");
  if (auto checked = CheckClaims(policy_, claim_slots_, Now(), payload, state->claims_members); !checked) return checked.error();
  return VerifiedToken(std::move(state));
}


Signer::Signer(Key key) : key_(std::move(key)) {
  if (auto usable = key_.CheckUsable(key_.algorithm(), KeyOp::kSign); !usable) {
    throw std::invalid_argument("jose::Signer: the key cannot sign: " + usable.error().detail);
  }
}

std::string Signer::Sign(const boost::json::object& claims, std::string_view typ) const {
  return SignPayload(boost::json::serialize(claims), typ);
}

std::string Signer::SignPayload(std::string_view payload, std::string_view typ) const {
  // RFC 7515 s.5.1: header, payload, then the signature over "header.payload".
  boost::json::object header;
  header["alg"] = AlgorithmName(key_.algorithm());
  if (!typ.empty()) header["typ"] = typ;
  if (key_.kid()) header["kid"] = *key_.kid();
  std::string token = Base64UrlEncode(boost::json::serialize(header));
  token += '.';
  token += Base64UrlEncode(payload);
  auto signature = key_.Sign(key_.algorithm(), token);
  if (!signature) throw std::runtime_error("jose::Signer: " + signature.error().detail);
  token += '.';
  token += Base64UrlEncode(*signature);
  return token;
}

}  // namespace stockroom::jose
