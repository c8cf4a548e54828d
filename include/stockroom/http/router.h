// Maps (method, path) to a route: its access rule, the pool it runs on and its handler.
// Built once at start-up, then only read: Match() is thread-safe on a const Router.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "stockroom/auth/permissions.h"
#include "stockroom/auth/principal.h"
#include "stockroom/http/message.h"

namespace stockroom::http {

// Who may call a route: anyone, or a bearer of a valid token whose role has `permission`.
struct Access {
  bool is_public = false;
  auth::Permission permission = auth::Permission::kViewInventory;

  static Access Public() { return {true, auth::Permission::kViewInventory}; }
  static Access Requires(auth::Permission p) { return {false, p}; }
};

// Where a handler runs. Handlers may block (SQLite, Argon2id), so none runs on an I/O thread
// except kInline ones, which must be quick and never block.
enum class Pool { kInline, kDatabase, kHashing };

// Path parameters captured by `{name}` segments, percent-decoded.
class PathParams {
 public:
  void Add(std::string name, std::string value) { values_.emplace_back(std::move(name), std::move(value)); }
  // Returns the captured value; REQUIRES: the route pattern has a segment `{name}`.
  const std::string& Get(std::string_view name) const;

 private:
  std::vector<std::pair<std::string, std::string>> values_;
};

struct Context {
  const Request& request;
  PathParams params;
  std::optional<auth::Principal> principal;  // set on every non-public route
};

using Handler = std::function<Response(Context&)>;

struct Route {
  Method method;
  std::string pattern;  // "/api/v1/items/{id}": literal segments and `{name}` captures
  Access access;
  Pool pool;
  Handler handler;
};

class Router {
 public:
  void Add(Method method, std::string pattern, Access access, Pool pool, Handler handler);

  struct Match {
    const Route* route = nullptr;  // null when nothing matched
    PathParams params;
    bool path_known = false;           // some route has this path with another method
    std::string allowed_methods;       // for 405 Allow, when path_known
  };
  // Finds the route for `method` and `path` (raw, undecoded). A `{name}` segment matches
  // any non-empty segment; literal segments win over captures.
  Match Find(Method method, std::string_view path) const;

  // Lets `visit` change every route added so far (e.g. wrap handlers); call before serving.
  void ForEachRoute(const std::function<void(Route&)>& visit) {
    for (Route& route : routes_) visit(route);
  }

 private:
  std::vector<Route> routes_;
};

}  // namespace stockroom::http
