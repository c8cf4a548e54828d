// What the revocation check adds to authenticating a request: AccessTokenService::Authenticate
// on a server-issued HS256 access token, without a revocation list, with an empty one, and with
// lists holding many revoked tokens, sessions and per-user marks (none naming this token, so
// every check runs to the end, as for a legitimate request).
#include <benchmark/benchmark.h>

#include <memory>
#include <string>

#include "stockroom/auth/access_tokens.h"
#include "stockroom/auth/revocation.h"

namespace stockroom::auth {
namespace {

struct Setup {
  explicit Setup(bool with_list, int entries) {
    if (with_list) {
      revocations = std::make_unique<RevocationList>();
      for (int i = 0; i < entries; ++i) {
        const std::string n = std::to_string(i);
        revocations->Add({Revocation::Kind::kToken, "revoked-jti-" + n, 0, 4102444800});
        revocations->Add({Revocation::Kind::kSession, "revoked-sid-" + n, 0, 4102444800});
        revocations->Add({Revocation::Kind::kTokensIssuedBefore, std::to_string(1000 + i), 1, 4102444800});
      }
    }
    jose::Key key = *jose::Key::Hmac(jose::Algorithm::kHS256, jose::Secret(std::string(32, 'k')), "bench");
    jose::KeySet keys;
    keys.Add(key);
    service = std::make_unique<AccessTokenService>(key, std::move(keys), AccessTokenConfig{}, revocations.get());
    User user;
    user.id = 42;
    user.username = "erika";
    user.role = Role::kWarehouseStaff;
    token = service->Issue(user, "session-of-erika").token;
  }
  std::unique_ptr<RevocationList> revocations;
  std::unique_ptr<AccessTokenService> service;
  std::string token;
};

void Authenticate(benchmark::State& state, bool with_list) {
  Setup setup(with_list, static_cast<int>(state.range(0)));
  for (auto _ : state) {
    auto outcome = setup.service->Authenticate(setup.token);
    if (!std::holds_alternative<Principal>(outcome)) state.SkipWithError("token refused");
    benchmark::DoNotOptimize(outcome);
  }
}

void WithoutRevocationList(benchmark::State& state) { Authenticate(state, false); }
void WithRevocationList(benchmark::State& state) { Authenticate(state, true); }

BENCHMARK(WithoutRevocationList)->Arg(0);
// Entries of each kind: 0, 1,000 and 100,000 (300,000 entries in all).
BENCHMARK(WithRevocationList)->Arg(0)->Arg(1000)->Arg(100000);

}  // namespace
}  // namespace stockroom::auth

BENCHMARK_MAIN();
