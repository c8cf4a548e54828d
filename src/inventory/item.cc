#include "stockroom/inventory/item.h"

#include <string>

namespace stockroom::inventory {

std::optional<ItemKind> ItemKindFromName(std::string_view name) {
  if (name == "raw_material") return ItemKind::kRawMaterial;
  if (name == "component") return ItemKind::kComponent;
  if (name == "finished_good") return ItemKind::kFinishedGood;
  return std::nullopt;
}

std::string_view ItemKindName(ItemKind kind) {
  switch (kind) {
    case ItemKind::kRawMaterial: return "raw_material";
    case ItemKind::kComponent: return "component";
    case ItemKind::kFinishedGood: return "finished_good";
  }
  return "";
}

bool ItemChanges::empty() const {
  return !sku && !name && !description && !category && !kind && !unit &&
         !reorder_point && !location && !lot_tracked && !precision;
}

void ItemChanges::ApplyTo(ItemFields& fields) const {
  if (sku) fields.sku = *sku;
  if (name) fields.name = *name;
  if (description) fields.description = *description;
  if (category) fields.category = *category;
  if (kind) fields.kind = *kind;
  if (unit) fields.unit = *unit;
  if (reorder_point) fields.reorder_point = *reorder_point;
  if (location) fields.location = *location;
  if (lot_tracked) fields.lot_tracked = *lot_tracked;
  if (precision) fields.precision = *precision;
}

std::optional<size_t> Utf8Length(std::string_view text) {
  size_t count = 0;
  size_t i = 0;
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  while (i < n) {
    unsigned char c = s[i];
    size_t len;
    std::uint32_t cp;
    if (c < 0x80) { len = 1; cp = c; }
    else if ((c & 0xE0) == 0xC0) { len = 2; cp = c & 0x1F; }
    else if ((c & 0xF0) == 0xE0) { len = 3; cp = c & 0x0F; }
    else if ((c & 0xF8) == 0xF0) { len = 4; cp = c & 0x07; }
    else return std::nullopt;
    if (i + len > n) return std::nullopt;
    for (size_t k = 1; k < len; ++k) {
      if ((s[i + k] & 0xC0) != 0x80) return std::nullopt;
      cp = (cp << 6) | (s[i + k] & 0x3F);
    }
    // Reject overlong forms, UTF-16 surrogates and values past U+10FFFF (RFC 3629 3).
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
        (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) {
      return std::nullopt;
    }
    i += len;
    ++count;
  }
  return count;
}

namespace {

bool IsSpace(unsigned char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

// The multi-byte code points that count as outer whitespace, in UTF-8: Unicode's White_Space
// set beyond ASCII (U+0085 is a C1 control, refused anyway) and U+200B and U+FEFF, which
// show nothing either.
constexpr std::string_view kUnicodeSpaces[] = {
    "\xc2\xa0",                                                           // U+00A0
    "\xe1\x9a\x80",                                                       // U+1680
    "\xe2\x80\x80", "\xe2\x80\x81", "\xe2\x80\x82", "\xe2\x80\x83", "\xe2\x80\x84", "\xe2\x80\x85",  // U+2000-
    "\xe2\x80\x86", "\xe2\x80\x87", "\xe2\x80\x88", "\xe2\x80\x89", "\xe2\x80\x8a", "\xe2\x80\x8b",  // U+200B
    "\xe2\x80\xa8", "\xe2\x80\xa9", "\xe2\x80\xaf", "\xe2\x81\x9f",                            // U+2028 U+2029 U+202F U+205F
    "\xe3\x80\x80",                                                       // U+3000
    "\xef\xbb\xbf",                                                       // U+FEFF
};

bool StartsWithUnicodeSpace(std::string_view s) {
  for (std::string_view space : kUnicodeSpaces) {
    if (s.starts_with(space)) return true;
  }
  return false;
}

// A whole code point at the end: valid UTF-8 has no suffix that merely resembles one.
bool EndsWithUnicodeSpace(std::string_view s) {
  for (std::string_view space : kUnicodeSpaces) {
    if (s.ends_with(space)) return true;
  }
  return false;
}

}  // namespace

std::optional<std::string> CheckSku(std::string_view sku) {
  if (sku.empty()) return "must not be empty";
  if (sku.size() > ItemLimits::kSkuMax) return "must be at most 64 characters";
  for (char c : sku) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-';
    if (!ok) return "may contain only A-Z, a-z, 0-9, '.', '_' and '-'";
  }
  return std::nullopt;
}

bool HasOuterWhitespace(std::string_view text) {
  if (text.empty()) return false;
  return IsSpace(static_cast<unsigned char>(text.front())) || IsSpace(static_cast<unsigned char>(text.back())) ||
         StartsWithUnicodeSpace(text) || EndsWithUnicodeSpace(text);
}

std::optional<std::string> CheckText(std::string_view text, size_t max, bool allow_newlines) {
  auto length = Utf8Length(text);
  if (!length) return "must be valid UTF-8";
  if (*length > max) return "must be at most " + std::to_string(max) + " characters";
  // Control characters are C0 (U+0000-U+001F), DEL and C1 (U+0080-U+009F, in UTF-8 the byte
  // pairs C2 80 to C2 9F). Multi-line text may hold tab, line feed and carriage return.
  for (size_t i = 0; i < text.size(); ++i) {
    const unsigned char u = static_cast<unsigned char>(text[i]);
    const bool c1 = u == 0xc2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) <= 0x9f;
    if (u < 0x20 || u == 0x7f || c1) {
      if (allow_newlines && (u == '\t' || u == '\n' || u == '\r')) continue;
      return allow_newlines ? "must not contain control characters other than tab and newline"
                            : "must not contain control characters";
    }
  }
  return std::nullopt;
}

std::optional<std::string> CheckName(std::string_view name) {
  if (name.empty()) return "must not be empty";
  return CheckText(name, ItemLimits::kNameMax, false);
}

}  // namespace stockroom::inventory
