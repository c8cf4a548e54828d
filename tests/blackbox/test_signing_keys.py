"""The server's signing key: HS256 by default, EdDSA / ES256 / others by configuration, with the
public keys at /.well-known/jwks.json so another service can verify tokens on its own."""
import json
import os
import subprocess

import jwt
import pytest
import requests

from conftest import Server, run_cli as cli

API = "/api/v1"


def test_hs256_server_publishes_no_secret(server):
    r = server.get("/.well-known/jwks.json")
    assert r.status_code == 200
    assert r.headers["Content-Type"] == "application/jwk-set+json"
    assert r.json() == {"keys": []}
    assert "max-age" in r.headers["Cache-Control"]


@pytest.mark.parametrize("alg", ["EdDSA", "ES256", "PS256"])
def test_asymmetric_tokens_verify_with_only_the_published_keys(binary, tmp_path, alg):
    s = Server(binary, tmp_path / "d", ["--jwt-alg", alg]).start()
    try:
        token = s.login()
        header = jwt.get_unverified_header(token)
        assert header["alg"] == alg and header["typ"] == "at+jwt"
        jwks = requests.get(s.url + "/.well-known/jwks.json", timeout=10).json()
        assert len(jwks["keys"]) == 1
        published = jwks["keys"][0]
        assert published["kid"] == header["kid"]
        assert not {"d", "p", "q", "dp", "dq", "qi"} & set(published)
        key = jwt.PyJWK(published).key
        claims = jwt.decode(token, key, algorithms=[alg], audience="stockroom-api", issuer="stockroom")
        assert claims["role"] == "admin"
        assert s.get(f"{API}/items", token).status_code == 200
        # The key file is private and survives a restart: old tokens stay valid.
        assert (os.stat(s.data_dir / "signing-key.jwk").st_mode & 0o077) == 0
    finally:
        s.stop()
    s.start()
    try:
        assert s.get(f"{API}/items", token).status_code == 200
        # An HS256 token made with anything public is refused (algorithm confusion).
        forged = jwt.encode({"sub": "1", "role": "admin"}, json.dumps(published).encode(), algorithm="HS256",
                            headers={"kid": published["kid"], "typ": "at+jwt"})
        assert s.get(f"{API}/items", forged).status_code == 401
    finally:
        s.stop()


def test_changing_the_algorithm_of_an_existing_key_fails_clearly(binary, tmp_path):
    s = Server(binary, tmp_path / "d").start()
    s.stop()
    r = cli(binary, "serve", "--listen", "127.0.0.1:0", "--data-dir", tmp_path / "d", "--jwt-alg", "EdDSA",
            env={"STOCKROOM_ADMIN_PASSWORD": "correct-horse-battery-staple"})
    assert r.returncode == 1
    assert "HS256" in r.stderr and "EdDSA" in r.stderr


def test_signing_key_from_a_pem_file(binary, tmp_path):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    private_key = ec.generate_private_key(ec.SECP256R1())
    pem_path = tmp_path / "signing.pem"
    pem_path.write_bytes(private_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                   serialization.NoEncryption()))
    os.chmod(pem_path, 0o600)
    s = Server(binary, tmp_path / "d", ["--jwt-alg", "ES256", "--jwt-key", str(pem_path)]).start()
    try:
        token = s.login()
        claims = jwt.decode(token, private_key.public_key(), algorithms=["ES256"], audience="stockroom-api")
        assert claims["preferred_username"] == "admin"
        assert not (s.data_dir / "signing-key.jwk").exists()
    finally:
        s.stop()
    os.chmod(pem_path, 0o644)
    r = cli(binary, "serve", "--listen", "127.0.0.1:0", "--data-dir", tmp_path / "d", "--jwt-alg", "ES256",
            "--jwt-key", pem_path)
    assert r.returncode == 1 and "chmod 600" in r.stderr


def test_tokens_of_the_previous_key_stay_valid_with_jwt_jwks(binary, tmp_path):
    # Run with an EdDSA key, then switch to a new ES256 key, trusting the old public key.
    old = Server(binary, tmp_path / "d", ["--jwt-alg", "EdDSA"]).start()
    try:
        old_token = old.login()
        old_jwks = requests.get(old.url + "/.well-known/jwks.json", timeout=10).text
    finally:
        old.stop()
    (tmp_path / "old.jwks").write_text(old_jwks)
    (tmp_path / "d" / "signing-key.jwk").rename(tmp_path / "retired.jwk")

    s = Server(binary, tmp_path / "d", ["--jwt-alg", "ES256", "--jwt-jwks", str(tmp_path / "old.jwks")]).start()
    try:
        assert s.get(f"{API}/items", old_token).status_code == 200
        new_token = s.login()
        assert jwt.get_unverified_header(new_token)["alg"] == "ES256"
        assert s.get(f"{API}/items", new_token).status_code == 200
        assert len(requests.get(s.url + "/.well-known/jwks.json", timeout=10).json()["keys"]) == 2
    finally:
        s.stop()
    # Without the old key, its tokens are refused.
    s = Server(binary, tmp_path / "d", ["--jwt-alg", "ES256"]).start()
    try:
        assert s.get(f"{API}/items", old_token).status_code == 401
    finally:
        s.stop()


def test_a_jwt_jwks_key_without_alg_is_a_start_up_error(binary, tmp_path):
    jwk = json.loads(subprocess.run([binary, "keys", "generate", "--alg", "ES256"], capture_output=True,
                                    text=True, check=True).stdout)
    del jwk["alg"], jwk["d"]
    (tmp_path / "k.jwks").write_text(json.dumps({"keys": [jwk]}))
    r = cli(binary, "serve", "--listen", "127.0.0.1:0", "--data-dir", tmp_path / "d", "--jwt-jwks", tmp_path / "k.jwks",
            env={"STOCKROOM_ADMIN_PASSWORD": "correct-horse-battery-staple"})
    assert r.returncode == 1 and "alg" in r.stderr


def test_another_service_verifies_tokens_from_discovery_alone(binary, tmp_path):
    s = Server(binary, tmp_path / "d", ["--jwt-alg", "ES256"]).start()
    try:
        token = s.login()
        metadata = requests.get(s.url + "/.well-known/openid-configuration", timeout=10).json()
        assert metadata["issuer"] == "stockroom"
        assert metadata["id_token_signing_alg_values_supported"] == ["ES256"]
        assert metadata["jwks_uri"] == s.url + "/.well-known/jwks.json"
        signing_key = jwt.PyJWKClient(metadata["jwks_uri"]).get_signing_key_from_jwt(token)
        claims = jwt.decode(token, signing_key.key, algorithms=metadata["id_token_signing_alg_values_supported"],
                            audience="stockroom-api", issuer=metadata["issuer"])
        assert claims["preferred_username"] == "admin"
    finally:
        s.stop()


def test_public_url_sets_the_discovery_links(binary, tmp_path):
    s = Server(binary, tmp_path / "d", ["--public-url", "https://stockroom.plant.example/"]).start()
    try:
        metadata = requests.get(s.url + "/.well-known/openid-configuration", timeout=10).json()
        assert metadata["jwks_uri"] == "https://stockroom.plant.example/.well-known/jwks.json"
    finally:
        s.stop()


def test_keys_rotate_then_retire(binary, tmp_path):
    data = tmp_path / "d"
    s = Server(binary, data).start()
    try:
        old_token = s.login()
    finally:
        s.stop()
    old_kid = jwt.get_unverified_header(old_token)["kid"]

    r = cli(binary, "keys", "rotate", "--data-dir", str(data))
    assert r.returncode == 0, r.stderr
    listing = cli(binary, "keys", "list", "--data-dir", str(data)).stdout.splitlines()
    assert len(listing) == 3 and old_kid in listing[2] and "active" in listing[1]

    s.start()
    try:
        assert s.get(f"{API}/items", old_token).status_code == 200  # still verifies
        new_token = s.login()
        new_kid = jwt.get_unverified_header(new_token)["kid"]
        assert new_kid != old_kid and new_kid in listing[1]
        assert s.get(f"{API}/items", new_token).status_code == 200
    finally:
        s.stop()

    assert cli(binary, "keys", "retire", new_kid, "--data-dir", str(data)).returncode == 1  # the active one
    assert cli(binary, "keys", "retire", "no-such-kid", "--data-dir", str(data)).returncode == 1
    assert cli(binary, "keys", "retire", old_kid, "--data-dir", str(data)).returncode == 0
    s.start()
    try:
        assert s.get(f"{API}/items", old_token).status_code == 401
        assert s.get(f"{API}/items", new_token).status_code == 200
    finally:
        s.stop()


def test_keys_rotate_to_another_algorithm(binary, tmp_path):
    data = tmp_path / "d"
    s = Server(binary, data).start()
    try:
        hs_token = s.login()
    finally:
        s.stop()
    assert cli(binary, "keys", "rotate", "--alg", "EdDSA", "--data-dir", str(data)).returncode == 0
    s.start()  # no --jwt-alg: the active key's algorithm
    try:
        ed_token = s.login()
        assert jwt.get_unverified_header(ed_token)["alg"] == "EdDSA"
        assert s.get(f"{API}/items", hs_token).status_code == 200
        jwks = requests.get(s.url + "/.well-known/jwks.json", timeout=10).json()
        assert [k["kty"] for k in jwks["keys"]] == ["OKP"]  # the old HMAC secret is never published
        jwt.decode(ed_token, jwt.PyJWK(jwks["keys"][0]).key, algorithms=["EdDSA"], audience="stockroom-api")
    finally:
        s.stop()
    for path in data.iterdir():
        assert path.stat().st_mode & 0o077 == 0, path



@pytest.mark.parametrize("alg", ["EdDSA", "ES256"])
def test_node_jose_verifies_server_tokens_from_the_jwks_endpoint_alone(binary, tmp_path, alg):
    import pathlib
    node_cli = pathlib.Path(__file__).resolve().parents[1] / "interop" / "jose_cli.mjs"
    s = Server(binary, tmp_path / "d", ["--jwt-alg", alg]).start()
    try:
        token = s.login()
        jwks_uri = requests.get(s.url + "/.well-known/openid-configuration", timeout=10).json()["jwks_uri"]
        r = subprocess.run(["node", str(node_cli), "verify-remote", jwks_uri, alg, token], capture_output=True,
                           text=True, timeout=60)
        assert r.returncode == 0, r.stderr
        assert json.loads(r.stdout)["preferred_username"] == "admin"
        # A token from another key with the same kid is refused by Node too.
        header = jwt.get_unverified_header(token)
        forged = subprocess.run([binary, "keys", "generate", "--alg", alg, "--kid", header["kid"]],
                                capture_output=True, text=True, check=True).stdout
        (tmp_path / "other.jwk").write_text(forged)
        claims = jwt.decode(token, options={"verify_signature": False})
        other = subprocess.run([binary, "token", "sign", "--key", str(tmp_path / "other.jwk"), "--alg", alg,
                                "--typ", "at+jwt", "--claims", json.dumps(claims)],
                               capture_output=True, text=True, check=True).stdout.strip()
        r = subprocess.run(["node", str(node_cli), "verify-remote", jwks_uri, alg, other], capture_output=True,
                           text=True, timeout=60)
        assert r.returncode == 1
    finally:
        s.stop()
