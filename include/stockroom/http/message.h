// HTTP request and response values handed between the server and its handlers.
// Plain data, independent of Boost.Beast, so handlers compile without it. Not thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace stockroom::http {

enum class Method { kGet, kHead, kPost, kPut, kPatch, kDelete, kOptions, kOther };

std::string_view MethodName(Method method);

using HeaderList = std::vector<std::pair<std::string, std::string>>;

// Returns the value of the first header named `name` (ASCII case-insensitive), if any.
std::optional<std::string_view> FindHeader(const HeaderList& headers, std::string_view name);

struct Request {
  Method method = Method::kOther;
  std::string target;  // as received: path and query
  std::string path;    // target up to '?', not percent-decoded
  std::string query;   // after '?', raw
  HeaderList headers;  // names lowercased
  std::string body;
  std::string remote_address;
  std::string request_id;

  std::optional<std::string_view> Header(std::string_view name) const {
    return FindHeader(headers, name);
  }
};

struct Response {
  int status = 200;
  HeaderList headers;
  std::string body;

  // Replaces any header of that name.
  void SetHeader(std::string_view name, std::string value);
  std::optional<std::string_view> Header(std::string_view name) const {
    return FindHeader(headers, name);
  }
};

}  // namespace stockroom::http
