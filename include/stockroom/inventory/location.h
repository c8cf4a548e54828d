// Storage locations: a tree (site > area > bin) named by codes. A location is named either
// by its code or by its path, the codes from the top of the tree joined by '/'
// ("Factory/Office Block/Room 101"). Value types and pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace stockroom::inventory {

struct LocationLimits {
  static constexpr size_t kCodeMax = 64;    // code points
  static constexpr size_t kNameMax = 200;   // code points
  static constexpr size_t kDepthMax = 16;   // levels of the tree
  static constexpr size_t kPathMax = kDepthMax * (kCodeMax + 1);  // code points
};

struct Location {
  std::int64_t id = 0;
  std::string code;
  std::string name;
  std::optional<std::string> parent;  // the parent's code
  std::string path;                   // codes from the top joined by '/'
  std::int64_t created_at_ms = 0;
  std::int64_t updated_at_ms = 0;
  std::int64_t version = 1;
};

// Nullopt when `code` is a valid location code: 1-64 code points of printable Unicode
// (no control characters), no '/', no leading or trailing whitespace. Else what is wrong.
std::optional<std::string> CheckLocationCode(std::string_view code);

// A location reference split into its codes: one code, or a path of codes from the top.
struct LocationRef {
  std::vector<std::string> segments;  // never empty
};

struct LocationRefError {
  std::size_t segment = 0;  // 0-based index of the offending segment
  std::string message;      // names the segment, for a problem detail
};

// Parses a code or a '/'-joined path; an error names the first bad segment ("segment 2
// (\" Bin\") must not have leading or trailing whitespace").
struct ParsedLocationRef {
  std::optional<LocationRef> ref;
  LocationRefError error;
};
ParsedLocationRef ParseLocationRef(std::string_view text);

std::string JoinLocationPath(const std::vector<std::string>& segments);

}  // namespace stockroom::inventory
