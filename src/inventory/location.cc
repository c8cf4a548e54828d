#include "stockroom/inventory/location.h"

#include <fmt/format.h>

#include "stockroom/inventory/item.h"

namespace stockroom::inventory {
std::optional<std::string> CheckLocationCode(std::string_view code) {
  if (code.empty()) return "must not be empty";
  if (auto problem = CheckText(code, LocationLimits::kCodeMax, false)) return problem;
  if (code.find('/') != std::string_view::npos) return "must not contain '/'";
  if (HasOuterWhitespace(code)) return "must not have leading or trailing whitespace";
  // "." and ".." would be read as path steps by every URL resolver (a Location header of
  // /api/v1/locations/.. leads to /api/v1/).
  if (code == "." || code == "..") return "must not be \".\" or \"..\"";
  return std::nullopt;
}

ParsedLocationRef ParseLocationRef(std::string_view text) {
  ParsedLocationRef parsed;
  if (text.empty()) {
    parsed.error = {0, "must not be empty"};
    return parsed;
  }
  LocationRef ref;
  std::size_t start = 0;
  while (true) {
    const std::size_t slash = text.find('/', start);
    std::string_view segment = text.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    const std::size_t index = ref.segments.size();
    if (index >= LocationLimits::kDepthMax) {
      parsed.error = {index, fmt::format("has more than {} levels", LocationLimits::kDepthMax)};
      return parsed;
    }
    if (auto problem = CheckLocationCode(segment)) {
      const bool single = index == 0 && slash == std::string_view::npos;
      parsed.error = {index, single ? *problem
                                    : fmt::format("segment {} (\"{}\") {}", index + 1,
                                                  CheckText(segment, LocationLimits::kCodeMax, false) ? "?" : segment,
                                                  *problem)};
      return parsed;
    }
    ref.segments.emplace_back(segment);
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  parsed.ref = std::move(ref);
  return parsed;
}

std::string JoinLocationPath(const std::vector<std::string>& segments) {
  std::string path;
  for (const auto& segment : segments) {
    if (!path.empty()) path.push_back('/');
    path += segment;
  }
  return path;
}

}  // namespace stockroom::inventory
