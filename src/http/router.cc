#include "stockroom/http/router.h"

#include <boost/url/decode_view.hpp>
#include <boost/url/grammar.hpp>
#include <boost/url/rfc/pchars.hpp>
#include <cassert>

namespace stockroom::http {
namespace {

std::vector<std::string_view> Split(std::string_view path) {
  std::vector<std::string_view> out;
  if (path.empty() || path.front() != '/') return out;
  path.remove_prefix(1);
  while (true) {
    auto slash = path.find('/');
    out.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return out;
}

bool IsCapture(std::string_view segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

// Percent-decodes one path segment; nullopt when the encoding is malformed.
std::optional<std::string> DecodeSegment(std::string_view segment) {
  auto parsed = boost::urls::make_pct_string_view(segment);
  if (!parsed) return std::nullopt;
  std::string out;
  parsed->decode({}, boost::urls::string_token::assign_to(out));
  return out;
}

// Returns the number of literal segments matched (higher is more specific), or -1.
int MatchPattern(const std::vector<std::string_view>& pattern,
                 const std::vector<std::string_view>& path, PathParams* params) {
  if (pattern.size() != path.size()) return -1;
  int literals = 0;
  PathParams captured;
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (IsCapture(pattern[i])) {
      if (path[i].empty()) return -1;
      auto decoded = DecodeSegment(path[i]);
      if (!decoded) return -1;
      captured.Add(std::string(pattern[i].substr(1, pattern[i].size() - 2)), std::move(*decoded));
    } else if (pattern[i] == path[i]) {
      ++literals;
    } else {
      return -1;
    }
  }
  if (params) *params = std::move(captured);
  return literals;
}

}  // namespace

const std::string& PathParams::Get(std::string_view name) const {
  for (const auto& [key, value] : values_) {
    if (key == name) return value;
  }
  assert(false && "route pattern lacks this parameter");
  static const std::string kEmpty;
  return kEmpty;
}

void Router::Add(Method method, std::string pattern, Access access, Pool pool, Handler handler) {
  routes_.push_back(Route{method, std::move(pattern), access, pool, std::move(handler)});
}

Router::Match Router::Find(Method method, std::string_view path) const {
  Match match;
  const auto path_segments = Split(path);
  int best = -1;
  for (const Route& route : routes_) {
    const auto pattern_segments = Split(route.pattern);
    if (route.method != method) {
      if (MatchPattern(pattern_segments, path_segments, nullptr) >= 0) {
        match.path_known = true;
        if (match.allowed_methods.find(MethodName(route.method)) == std::string::npos) {
          if (!match.allowed_methods.empty()) match.allowed_methods += ", ";
          match.allowed_methods += MethodName(route.method);
        }
      }
      continue;
    }
    PathParams params;
    int score = MatchPattern(pattern_segments, path_segments, &params);
    if (score > best) {
      best = score;
      match.route = &route;
      match.params = std::move(params);
    }
  }
  return match;
}

}  // namespace stockroom::http
