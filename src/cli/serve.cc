// `stockroom serve`: opens the data directory, bootstraps the first admin, serves HTTP.
#include <sys/stat.h>

#include <chrono>
#include <boost/system/system_error.hpp>
#include <filesystem>
#include <fmt/format.h>
#include <iostream>

#include "cli/commands.h"
#include "cli/data_dir.h"
#include "cli/key_files.h"
#include "stockroom/jose/json.h"
#include "stockroom/api/health.h"
#include "stockroom/api/revocation_sync.h"
#include "stockroom/api/routes.h"
#include "stockroom/auth/access_tokens.h"
#include "stockroom/auth/password.h"
#include "stockroom/auth/signing_key.h"
#include "stockroom/http/log.h"
#include "stockroom/http/server.h"

namespace stockroom::cli {
namespace {

struct ServeOptions {
  std::string listen = "127.0.0.1:8080";
  std::int64_t token_ttl = 3600;
  std::int64_t token_leeway = 30;
  std::string issuer = "stockroom";
  std::string audience = "stockroom-api";
  unsigned io_threads = 2;
  unsigned db_threads = 4;
  std::string durability = "full";
  std::size_t max_connections = 1024;
  std::string jwt_alg;  // empty: the active key's algorithm, HS256 for a new data directory
  std::string jwt_key;   // empty: <data-dir>/signing-key.jwk
  std::string jwt_jwks;  // more trusted verification keys, e.g. the previous key after a change
  std::int64_t refresh_ttl = 12 * 3600;
  std::int64_t refresh_overlap = 10;
  bool insecure_cookies = false;
  std::string public_url;  // empty: from the Host header
  std::string receiving_location = "RECEIVING";
  unsigned long long argon2_ops = 2;
  std::size_t argon2_mem_mib = 64;
};

// "host:port" or "[v6]:port".
std::pair<std::string, std::uint16_t> ParseListen(const std::string& text) {
  auto colon = text.rfind(':');
  if (colon == std::string::npos) throw std::runtime_error("--listen must be HOST:PORT, got '" + text + "'");
  std::string host = text.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  int port = -1;
  try {
    port = std::stoi(text.substr(colon + 1));
  } catch (const std::exception&) {
  }
  if (port < 0 || port > 65535) throw std::runtime_error("--listen port must be 0-65535, got '" + text + "'");
  return {host, static_cast<std::uint16_t>(port)};
}

// The keys of a JWK Set file; each must name its algorithm, and one that cannot be used is a
// start-up error rather than a silently ignored key.
jose::KeySet LoadVerificationKeys(const std::string& path) {
  auto json = jose::ParseStrictJson(ReadFileOrStdin(path), jose::Errc::kJwkInvalid);
  const boost::json::value* keys = json && json->is_object() ? json->as_object().if_contains("keys") : nullptr;
  if (keys == nullptr || !keys->is_array()) throw std::runtime_error("--jwt-jwks " + path + ": not a JWK Set");
  jose::KeySet set;
  for (const boost::json::value& jwk : keys->as_array()) {
    if (!jwk.is_object()) throw std::runtime_error("--jwt-jwks " + path + ": \"keys\" must hold JWK objects");
    auto key = jose::Key::FromJwk(jwk.as_object());
    if (!key) throw std::runtime_error("--jwt-jwks " + path + ": " + key.error().detail);
    if (!key->algorithm_pinned()) throw std::runtime_error("--jwt-jwks " + path + ": every key needs its \"alg\"");
    set.Add(std::move(*key));
  }
  return set;
}

// First start: with no users at all, create `admin` with STOCKROOM_ADMIN_PASSWORD or a
// random password printed once to the terminal.
void BootstrapAdmin(store::Store& store, const auth::PasswordHasher& passwords) {
  auto count = store.CountUsers();
  if (!count) throw std::runtime_error("cannot read users: " + count.error().detail);
  if (*count > 0) return;
  std::string password;
  bool generated = false;
  if (const char* given = std::getenv("STOCKROOM_ADMIN_PASSWORD"); given && *given) {
    password = given;
    if (auto problem = auth::CheckNewPassword("admin", password)) {
      throw std::runtime_error("STOCKROOM_ADMIN_PASSWORD " + *problem);
    }
  } else {
    password = auth::RandomId(15);  // 120 bits, 20 characters
    generated = true;
  }
  auto created = store.CreateUser({"admin", passwords.Hash(password), auth::Role::kAdmin}, {"", "first start", ""});
  if (!created) throw std::runtime_error("cannot create the admin user: " + created.error().detail);
  http::Log(http::LogLevel::kInfo, "created first user", {{"username", "admin"}, {"role", "admin"}});
  if (generated) {
    std::cerr << "\n  First start: created user 'admin' with password\n\n      " << password
              << "\n\n  It is shown only this once. Log in and keep it safe.\n\n"
              << std::flush;
  }
}

int Serve(const CommonOptions& common, const ServeOptions& options) {
  try {
    const std::filesystem::path data_dir = PrepareDataDir(common.data_dir);
    auto [host, port] = ParseListen(options.listen);
    if (options.durability != "full" && options.durability != "normal") {
      throw std::runtime_error("--durability must be full or normal");
    }
    if (options.token_ttl < 1 || options.token_ttl > 30 * 86400) {
      throw std::runtime_error("--token-ttl must be 1 second to 30 days (2592000)");
    }
    if (options.token_leeway < 0 || options.token_leeway > 300) {
      throw std::runtime_error("--token-leeway must be 0-300 seconds");
    }

    auto store = OpenStore(data_dir, options.durability == "full" ? store::Durability::kFull : store::Durability::kNormal,
                           static_cast<int>(options.db_threads) + 2);
    auth::PasswordHasher passwords({options.argon2_ops, options.argon2_mem_mib * 1024 * 1024});
    std::optional<jose::Algorithm> alg;
    if (!options.jwt_alg.empty()) {
      alg = jose::AlgorithmFromName(options.jwt_alg);
      if (!alg) throw std::runtime_error("--jwt-alg must be one of HS256 HS384 HS512 RS256 ... EdDSA");
    } else if (!options.jwt_key.empty()) {
      throw std::runtime_error("--jwt-key needs --jwt-alg");
    } else {
      alg = auth::ActiveKeyAlgorithm(data_dir).value_or(jose::Algorithm::kHS256);
    }
    jose::Key signing_key = options.jwt_key.empty() ? auth::LoadOrCreateSigningKey(data_dir, *alg)
                                                    : auth::LoadSigningKeyFile(options.jwt_key, *alg);
    jose::KeySet verification_keys;
    verification_keys.Add(signing_key);
    if (options.jwt_key.empty()) {  // keys rotated out still verify the tokens they signed
      const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                           std::chrono::system_clock::now().time_since_epoch()).count();
      for (const jose::Key& key : auth::LoadPreviousKeys(data_dir, now, options.token_ttl + options.token_leeway)) {
        verification_keys.Add(key);
      }
    }
    if (!options.jwt_jwks.empty()) {
      const jose::KeySet extra = LoadVerificationKeys(options.jwt_jwks);
      for (const jose::Key& key : extra.keys()) verification_keys.Add(key);
    }
    auth::AccessTokenConfig token_config;
    token_config.issuer = options.issuer;
    token_config.audience = options.audience;
    token_config.ttl_seconds = options.token_ttl;
    token_config.leeway_seconds = options.token_leeway;
    auth::RevocationList revocations;
    const auto started_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                std::chrono::system_clock::now().time_since_epoch()).count();
    {
      auto stored = store->LoadRevocations(started_ms / 1000);
      if (!stored) throw std::runtime_error("cannot read revocations: " + stored.error().detail);
      for (const auth::Revocation& revocation : *stored) revocations.Add(revocation);
    }
    api::RevocationSync revocation_sync(*store, revocations, started_ms);
    auth::AccessTokenService tokens(signing_key, std::move(verification_keys), token_config, &revocations);

    http::Router router;
    api::AddHealthRoutes(router, [&store] { return store->Ping(); });
    api::AddJwksRoute(router, tokens.public_jwks());
    api::AddDiscoveryRoute(router, options.issuer, std::string(jose::AlgorithmName(signing_key.algorithm())),
                           options.public_url);
    auth::LoginThrottle login_throttle;
    const auth::RefreshTokenCodec refresh_codec(auth::LoadOrCreateRefreshSecret(data_dir));
    auth::RefreshTokenConfig refresh_config;
    refresh_config.ttl_seconds = options.refresh_ttl;
    refresh_config.overlap_seconds = options.refresh_overlap;
    refresh_config.secure_cookie = !options.insecure_cookies;
    api::Services services{*store,          passwords,      tokens,
                           revocations,     login_throttle, refresh_codec,
                           refresh_config,  options.receiving_location};
    api::AddRoutes(router, services);

    http::ServerConfig config;
    config.listen_host = host;
    config.listen_port = port;
    config.io_threads = options.io_threads;
    config.database_threads = options.db_threads;
    config.limits.max_connections = options.max_connections;
    std::unique_ptr<http::Server> server;
    try {
      server = std::make_unique<http::Server>(config, router, tokens);
    } catch (const boost::system::system_error& e) {
      throw std::runtime_error("cannot listen on " + options.listen + ": " + e.code().message());
    }
    // Only once listening works: a first start that fails must not use up the one-time
    // printing of the admin password.
    BootstrapAdmin(*store, passwords);
    http::Log(http::LogLevel::kInfo, "starting",
              {{"data_dir", data_dir.string()}, {"durability", options.durability}, {"issuer", options.issuer}});
    server->Run();
    return 0;
  } catch (const std::exception& e) {
    http::Log(http::LogLevel::kError, "cannot serve", {{"error", e.what()}});
    std::cerr << "stockroom serve: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace

void AddServeCommand(CLI::App& app, const CommonOptions& common) {
  auto options = std::make_shared<ServeOptions>();
  CLI::App* serve = app.add_subcommand("serve", "Run the HTTP server");
  serve->fallthrough();
  serve->add_option("--listen", options->listen, "Address to listen on, HOST:PORT (port 0: any free port)")
      ->envname("STOCKROOM_LISTEN")
      ->capture_default_str();
  serve->add_option("--token-ttl", options->token_ttl, "Access token lifetime in seconds")
      ->envname("STOCKROOM_TOKEN_TTL")
      ->capture_default_str();
  serve->add_option("--token-leeway", options->token_leeway,
                    "Clock skew tolerated when checking exp, nbf and iat, in seconds")
      ->envname("STOCKROOM_TOKEN_LEEWAY")
      ->capture_default_str();
  serve->add_option("--issuer", options->issuer, "Token issuer (iss)")->envname("STOCKROOM_ISSUER")->capture_default_str();
  serve->add_option("--audience", options->audience, "Token audience (aud)")
      ->envname("STOCKROOM_AUDIENCE")
      ->capture_default_str();
  serve->add_option("--io-threads", options->io_threads, "Threads doing network I/O")->capture_default_str();
  serve->add_option("--db-threads", options->db_threads, "Threads running database work")->capture_default_str();
  serve->add_option("--receiving-location", options->receiving_location,
                    "Location code for opening stock and imported stock that name none; created at the top of "
                    "the tree on first use unless a location has that code")
      ->check(ReceivingLocationCode())
      ->capture_default_str();
  serve->add_option("--durability", options->durability,
                    "full: every acknowledged write survives power loss; normal: survives a crash of the process")
      ->envname("STOCKROOM_DURABILITY")
      ->check(CLI::IsMember({"full", "normal"}))
      ->capture_default_str();
  serve->add_option("--jwt-alg", options->jwt_alg,
                    "Token signing algorithm: HS256 (shared secret) or, so that other services can verify tokens "
                    "from /.well-known/jwks.json, EdDSA, ES256, ES384, ES512, RS256, PS256, ... "
                    "Default: the algorithm of the active key (keys rotate --alg changes it), HS256 at first start")
      ->envname("STOCKROOM_JWT_ALG");
  serve->add_option("--jwt-key", options->jwt_key,
                    "Signing key file (private JWK or PKCS#8 PEM, mode 0600) instead of DATA_DIR/signing-key.jwk, "
                    "which is generated on first start")
      ->envname("STOCKROOM_JWT_KEY");
  serve->add_option("--jwt-jwks", options->jwt_jwks,
                    "A JWK Set file of further public keys whose tokens are accepted (each key with its \"alg\"), "
                    "for example the previous signing key after switching keys")
      ->envname("STOCKROOM_JWT_JWKS");
  serve->add_option("--refresh-ttl", options->refresh_ttl, "Refresh token lifetime in seconds")
      ->envname("STOCKROOM_REFRESH_TTL")
      ->check(CLI::Range(std::int64_t{60}, std::int64_t{90} * 86400))
      ->capture_default_str();
  serve->add_option("--refresh-overlap", options->refresh_overlap,
                    "Seconds in which a just-exchanged refresh token may be presented again (two tabs, a retry) "
                    "and gets the same successor instead of ending the session")
      ->check(CLI::Range(std::int64_t{0}, std::int64_t{300}))
      ->capture_default_str();
  serve->add_option("--argon2-ops", options->argon2_ops,
                    "Argon2id passes for password hashes; stored hashes with other parameters are upgraded at login")
      ->check(CLI::Range(1ULL, 10ULL))
      ->capture_default_str();
  serve->add_option("--argon2-mem-mib", options->argon2_mem_mib, "Argon2id memory per hash, MiB")
      ->check(CLI::Range(std::size_t{8}, std::size_t{4096}))
      ->capture_default_str();
  serve->add_option("--public-url", options->public_url,
                    "External base URL (https://host) for the links in /.well-known/openid-configuration; "
                    "default: from the request's Host header")
      ->envname("STOCKROOM_PUBLIC_URL");
  serve->add_flag("--insecure-cookies", options->insecure_cookies,
                  "Refresh token cookies without 'Secure', for plain-HTTP development only");
  serve->add_option("--max-connections", options->max_connections, "Simultaneous connections before 503")
      ->capture_default_str();
  serve->footer(
      "Environment: STOCKROOM_ADMIN_PASSWORD sets the password of the first user, admin, created at the first "
      "start (default: a random one, printed once). The data directory is the global --data-dir (or "
      "STOCKROOM_DATA_DIR), default ./var.");
  serve->callback([&common, options] { SetExitCode(Serve(common, *options)); });
}

}  // namespace stockroom::cli
