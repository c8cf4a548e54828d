"""Login, token shape and the attacks a bearer-token API must refuse (over real HTTP)."""
import base64
import json
import re
import time

import jwt
import pytest
import requests

from conftest import ADMIN_PASSWORD

API = "/api/v1"


def b64(data):
    if isinstance(data, (dict, list)):
        data = json.dumps(data, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def claims_for(server, **over):
    now = int(time.time())
    claims = {"iss": "stockroom", "sub": "1", "aud": "stockroom-api", "iat": now, "nbf": now,
              "exp": now + 600, "jti": "test-jti-0123456789", "role": "admin", "preferred_username": "admin"}
    claims.update(over)
    return {k: v for k, v in claims.items() if v is not None}


def forge(server, claims=None, headers=None, key=None, alg="HS256"):
    secret, jwk = server.secret()
    h = {"typ": "at+jwt", "kid": jwk["kid"]}
    h.update(headers or {})
    return jwt.encode(claims or claims_for(server), secret if key is None else key, algorithm=alg, headers=h)


def assert_invalid_token(r):
    assert r.status_code == 401, r.text
    challenge = r.headers.get("WWW-Authenticate", "")
    assert challenge.startswith("Bearer "), challenge
    assert 'error="invalid_token"' in challenge, challenge
    assert r.headers["Content-Type"] == "application/problem+json"
    assert r.json()["status"] == 401


def test_login_returns_a_bearer_token_pyjwt_verifies(server):
    r = server.post(f"{API}/auth/login", json={"username": "admin", "password": ADMIN_PASSWORD})
    assert r.status_code == 200
    body = r.json()
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 3600
    assert r.headers["Cache-Control"] == "no-store"
    token = body["access_token"]
    secret, jwk = server.secret()
    header = jwt.get_unverified_header(token)
    assert header == {"alg": "HS256", "typ": "at+jwt", "kid": jwk["kid"]}
    claims = jwt.decode(token, secret, algorithms=["HS256"], audience="stockroom-api", issuer="stockroom")
    assert claims["role"] == "admin"
    assert claims["preferred_username"] == "admin"
    assert claims["exp"] - claims["iat"] == 3600
    assert claims["nbf"] == claims["iat"]
    assert re.fullmatch(r"[A-Za-z0-9_-]{22}", claims["jti"])  # 128 bits, base64url
    assert claims["sub"] == "1"


def test_each_login_gets_a_fresh_jti(server):
    a = jwt.decode(server.login(), options={"verify_signature": False})
    b = jwt.decode(server.login(), options={"verify_signature": False})
    assert a["jti"] != b["jti"]


def test_signing_key_file_is_private(server):
    mode = (server.data_dir / "signing-key.jwk").stat().st_mode & 0o777
    assert mode == 0o600


def test_database_files_are_private(server):
    server.login()  # something written, so the WAL exists
    for path in server.data_dir.iterdir():
        if path.name.startswith("stockroom.db"):
            assert path.stat().st_mode & 0o077 == 0, path


def test_secret_never_appears_in_logs(server):
    server.login()
    _, jwk = server.secret()
    assert jwk["k"] not in "".join(server.lines)
    assert ADMIN_PASSWORD not in "".join(server.lines)


def test_wrong_password_and_unknown_user_get_the_same_answer(server):
    wrong = server.post(f"{API}/auth/login", json={"username": "admin", "password": "not-the-password"})
    unknown = server.post(f"{API}/auth/login", json={"username": "nobody", "password": "not-the-password"})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()


@pytest.mark.parametrize("body,field", [
    ({"password": "x"}, "username"),
    ({"username": "admin"}, "password"),
    ({"username": 5, "password": "x"}, "username"),
    ({"username": "admin", "password": ["x"]}, "password"),
])
def test_login_with_bad_fields_names_them(server, body, field):
    r = server.post(f"{API}/auth/login", json=body)
    assert r.status_code == 422
    assert field in [e["field"] for e in r.json()["errors"]]


def test_login_requires_json(server):
    r = server.post(f"{API}/auth/login", data="username=admin&password=x",
                    headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert r.status_code == 415


def test_missing_token_is_401_with_bearer_challenge(server):
    r = server.get(f"{API}/items")
    assert r.status_code == 401
    assert r.headers["WWW-Authenticate"].startswith("Bearer")


def test_other_auth_scheme_is_401(server):
    r = server.get(f"{API}/items", headers={"Authorization": "Basic YWRtaW46YWRtaW4="})
    assert_invalid_token(r)


def test_a_well_formed_token_of_our_own_is_accepted(server):
    # Sanity check for the forging helper: the same construction with nothing wrong passes.
    r = server.get(f"{API}/items", forge(server))
    assert r.status_code == 200, r.text


ATTACKS = {
    "other key": lambda s: forge(s, key=b"k" * 32),
    "alg none": lambda s: b64({"alg": "none", "typ": "at+jwt"}) + "." + b64(claims_for(s)) + ".",
    "alg None with signature": lambda s: b64({"alg": "None", "typ": "at+jwt"}) + "." + b64(claims_for(s)) + "." + b64(b"x" * 32),
    "HS512 with the right secret": lambda s: forge(s, alg="HS512"),
    "HS384 with the right secret": lambda s: forge(s, alg="HS384"),
    "expired": lambda s: forge(s, claims_for(s, exp=int(time.time()) - 60, iat=int(time.time()) - 700, nbf=int(time.time()) - 700)),
    "not yet valid": lambda s: forge(s, claims_for(s, nbf=int(time.time()) + 600)),
    "issued in the future": lambda s: forge(s, claims_for(s, iat=int(time.time()) + 600)),
    "wrong audience": lambda s: forge(s, claims_for(s, aud="other-api")),
    "wrong issuer": lambda s: forge(s, claims_for(s, iss="evil")),
    "wrong typ": lambda s: forge(s, headers={"typ": "JWT"}),
    "no exp": lambda s: forge(s, claims_for(s, exp=None)),
    "exp as string": lambda s: forge(s, claims_for(s, exp=str(int(time.time()) + 600))),
    "unknown kid": lambda s: forge(s, headers={"kid": "other"}),
    "crit header": lambda s: forge(s, headers={"crit": ["exp"]}),
    "embedded jwk": lambda s: forge(s, key=b"a" * 32, headers={"jwk": {"kty": "oct", "k": b64(b"a" * 32)}}),
    "two segments": lambda s: ".".join(forge(s).split(".")[:2]),
    "four segments": lambda s: forge(s) + ".x",
    "garbage": lambda s: "not-a-token",
    "padding in signature": lambda s: forge(s) + "=",
    "oversized": lambda s: forge(s, claims_for(s, pad="x" * 9000)),
}


@pytest.mark.parametrize("attack", sorted(ATTACKS))
def test_crafted_tokens_are_refused(shared_server, attack):
    token = ATTACKS[attack](shared_server)
    assert_invalid_token(shared_server.get(f"{API}/items", token))


def test_altered_claims_are_refused(shared_server):
    token = shared_server.login()
    head, payload, sig = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["role"] = "admin" if claims["role"] != "admin" else "superuser"
    claims["sub"] = "999"
    altered = ".".join([head, b64(claims), sig])
    assert_invalid_token(shared_server.get(f"{API}/items", altered))


def test_expired_token_names_expiry_in_the_challenge(shared_server):
    now = int(time.time())
    token = forge(shared_server, claims_for(shared_server, exp=now - 31, iat=now - 100, nbf=now - 100))
    r = shared_server.get(f"{API}/items", token)
    assert_invalid_token(r)
    assert "expired" in r.headers["WWW-Authenticate"]


def test_leeway_accepts_a_token_expired_within_30_seconds(shared_server):
    now = int(time.time())
    token = forge(shared_server, claims_for(shared_server, exp=now - 5, iat=now - 100, nbf=now - 100))
    assert shared_server.get(f"{API}/items", token).status_code == 200


def test_auth_me_describes_the_caller(shared_server):
    token = shared_server.login()
    me = shared_server.get(f"{API}/auth/me", token).json()
    assert me["username"] == "admin" and me["role"] == "admin" and me["sub"] == "1"


def test_server_issued_token_past_exp_is_401_and_logging_in_again_works(binary, tmp_path):
    from conftest import Server
    s = Server(binary, tmp_path / "d", ["--token-ttl", "1", "--token-leeway", "0"]).start()
    try:
        token = s.login()
        claims = jwt.decode(token, options={"verify_signature": False})
        assert claims["exp"] - claims["iat"] == 1
        time.sleep(max(0.0, claims["exp"] - time.time()) + 1.1)
        r = s.get(f"{API}/items", token)
        assert_invalid_token(r)
        assert "expired" in r.headers["WWW-Authenticate"]
        fresh = s.login()
        assert s.get(f"{API}/items", fresh).status_code == 200
    finally:
        s.stop()


@pytest.mark.parametrize("password", ["short", "Password123456", "stockroom-2026", "aaaaaaaaaaaaaa",
                                      "123456789012", "new-user-name1"])
def test_weak_passwords_are_refused_naming_the_field(server, password):
    admin = server.login()
    r = server.post(f"{API}/users", admin, json={"username": "new-user-name1", "password": password,
                                                 "role": "warehouse_staff"})
    assert r.status_code == 422, r.text
    assert [e["field"] for e in r.json()["errors"]] == ["password"]


def test_passwords_are_compared_after_unicode_normalization(server):
    admin = server.login()
    composed, decomposed = "Kaffee und Kuchen im Caf\u00e9", "Kaffee und Kuchen im Cafe\u0301"
    r = server.post(f"{API}/users", admin, json={"username": "marie", "password": composed, "role": "warehouse_staff"})
    assert r.status_code == 201, r.text
    assert server.login("marie", decomposed)


def test_weaker_stored_hashes_are_upgraded_at_login(binary, tmp_path):
    import sqlite3
    from conftest import Server

    def stored_hash():
        db = sqlite3.connect(tmp_path / "d" / "stockroom.db")
        try:
            return db.execute("SELECT password_hash FROM users WHERE username = 'admin'").fetchone()[0]
        finally:
            db.close()

    s = Server(binary, tmp_path / "d", ["--argon2-ops", "1", "--argon2-mem-mib", "8"]).start()
    try:
        token = s.login()
    finally:
        s.stop()
    assert stored_hash().startswith("$argon2id$v=19$m=8192,t=1,")
    s = Server(binary, tmp_path / "d", ["--argon2-ops", "3", "--argon2-mem-mib", "16"]).start()
    try:
        assert s.get(f"{API}/items", token).status_code == 200  # an upgrade revokes nothing
        s.login()
        assert stored_hash().startswith("$argon2id$v=19$m=16384,t=3,")
        s.login()  # and the upgraded hash verifies
    finally:
        s.stop()
