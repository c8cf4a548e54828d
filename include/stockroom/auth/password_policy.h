// What makes a new password acceptable, after NIST SP 800-63B 5.1.1.2: at least 12 characters
// (Unicode code points, after NFKC normalization), at most 1024 bytes, not the username or the
// product's name, not a common password (also not one with digits or symbols appended), and
// not a run of one character, a repeated short pattern or a keyboard-order sequence.
// Thread-safe: the common-password list is loaded once and then only read.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace stockroom::auth {

// The NFKC normal form of UTF-8 `text` (so that the same password typed on two keyboards, or
// composed two ways, is the same password); nullopt when `text` is not valid UTF-8.
std::optional<std::string> NormalizePassword(std::string_view text);

// Where the common-password list is read from (Debian's john-data, one password per line);
// a small built-in list is used in addition, and alone when the file is missing.
inline constexpr const char* kCommonPasswordsFile = "/usr/share/john/password.lst";

// True when `password` (normalized, any case) is on the common-password list.
bool IsCommonPassword(std::string_view password);

}  // namespace stockroom::auth
