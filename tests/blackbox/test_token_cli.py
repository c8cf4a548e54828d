"""`stockroom token` and `stockroom keys` as operators use them: every shared verification case
through `token verify`, and tokens that PyJWT and Stockroom sign for each other."""
import json
import pathlib
import subprocess

import jwt
import pytest

from conftest import SHARED, run_cli as run

NODE_JOSE = pathlib.Path(__file__).resolve().parents[1] / "interop" / "jose_cli.mjs"
CASES = json.loads((SHARED / "jwt-cases" / "cases-shared.json").read_text())
ALGORITHMS = ["HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "PS256", "PS384", "PS512",
              "ES256", "ES384", "ES512", "EdDSA"]


def verify_args(case, jwks_path):
    v = case["verify"]
    args = ["token", "verify", "--jwks", str(jwks_path), "--alg", ",".join(v["algorithms"])]
    for key, option in (("issuer", "--iss"), ("audience", "--aud"), ("typ", "--typ")):
        if key in v:
            args += [option, v[key]]
    if v.get("required_claims"):
        args += ["--require", ",".join(v["required_claims"])]
    args += ["--now", str(v["now"]), "--leeway", str(v.get("leeway", 0))]
    if "profile" in v:
        args += ["--profile", v["profile"]]
    if "max_token_bytes" in v:
        args += ["--max-bytes", str(v["max_token_bytes"])]
    if len(case["token"]) > 100_000:  # over what one argv string may hold: from stdin instead
        return args + ["-"], case["token"]
    return args + ["--", case["token"]], None


def test_every_shared_case_gets_its_verdict_from_token_verify(binary, tmp_path):
    wrong = []
    for case in CASES["cases"]:
        jwks = tmp_path / "keys.json"
        jwks.write_text(json.dumps({"keys": [CASES["keys"][k] for k in case["verify"]["keys"]]}))
        args, stdin = verify_args(case, jwks)
        r = run(binary, *args, stdin=stdin)
        expected = 0 if case["expect"] == "valid" else 1
        if r.returncode != expected:
            wrong.append((case["id"], case["expect"], r.returncode, r.stderr.strip()))
            continue
        if expected == 0:
            out = json.loads(r.stdout)
            assert out["header"]["alg"] in case["verify"]["algorithms"]
        else:
            lines = r.stderr.strip().splitlines()
            assert len(lines) == 1 and lines[0].startswith("invalid: "), (case["id"], r.stderr)
    assert not wrong, wrong
    assert len(CASES["cases"]) > 300


def test_usage_errors_exit_2(binary, tmp_path):
    assert run(binary, "token", "verify", "--alg", "HS256", "x.y.z").returncode == 2  # no --jwks
    assert run(binary, "token", "verify", "--jwks", str(tmp_path / "missing.json"), "--alg", "HS256", "x.y.z").returncode == 2
    garbage = tmp_path / "garbage.json"
    garbage.write_text("not json")
    assert run(binary, "token", "verify", "--jwks", str(garbage), "--alg", "HS256", "x.y.z").returncode == 2
    assert run(binary, "token", "verify", "--jwks", str(garbage), "--alg", "HS256", "--profile", "x", "a.b.c").returncode == 2


def hs256_fixture(tmp_path, claims):
    secret = b"k" * 32
    jwks = tmp_path / "hs.json"
    jwks.write_text(json.dumps({"keys": [{"kty": "oct", "k": jwt.utils.base64url_encode(secret).decode()}]}))
    return jwks, jwt.encode(claims, secret, algorithm="HS256")


@pytest.mark.parametrize("option,value", [
    ("--now", "9223372036854775808"), ("--now", "-9223372036854775809"), ("--now", "1e9"), ("--now", "12x"),
    ("--leeway", "-1"), ("--leeway", "9223372036854775808"), ("--max-bytes", "-1"),
    ("--max-bytes", "18446744073709551615"), ("--max-bytes", ""), ("--leeway", "010"), ("--now", "09"),
    ("--max-bytes", "0200"), ("--now", "-012"), ("--now", "0x10"),
])
def test_numbers_out_of_range_are_usage_errors_not_clamped(binary, tmp_path, option, value):
    jwks, token = hs256_fixture(tmp_path, {"exp": 2_000_000_000})
    r = run(binary, "token", "verify", "--jwks", jwks, "--alg", "HS256", option, value, "--", token)
    assert r.returncode == 2, (r.stdout, r.stderr)
    assert f"{option}: must be a decimal integer from" in r.stderr, r.stderr


def test_any_leeway_and_time_in_range_is_taken_as_given(binary, tmp_path):
    jwks, token = hs256_fixture(tmp_path, {"exp": 1_000_000_000})
    base = ["token", "verify", "--jwks", jwks, "--alg", "HS256"]
    # A week of leeway covers an expiry a week ago; one second less does not.
    week = 7 * 86400
    assert run(binary, *base, "--now", str(1_000_000_000 + week), "--leeway", str(week + 1), "--", token).returncode == 0
    assert run(binary, *base, "--now", str(1_000_000_000 + week), "--leeway", str(week), "--", token).returncode == 1
    r = run(binary, *base, "--now", "9223372036854775807", "--leeway", "9223372036854775807", "--", token)
    assert r.returncode == 0, r.stderr  # saturating arithmetic: no overflow into the past
    assert run(binary, *base, "--now", "9223372036854775807", "--", token).returncode == 1


def test_a_token_from_standard_input_loses_one_newline_and_nothing_else(binary, tmp_path):
    jwks, token = hs256_fixture(tmp_path, {"exp": 2_000_000_000})
    base = ["token", "verify", "--jwks", jwks, "--alg", "HS256", "--now", "1900000000", "-"]
    assert run(binary, *base, stdin=token).returncode == 0
    assert run(binary, *base, stdin=token + "\n").returncode == 0
    for extra in ("\r", "\r\n", "\n\n", " ", "\t"):
        r = run(binary, *base, stdin=token + extra)
        assert r.returncode == 1 and r.stderr.startswith("invalid: "), (repr(extra), r.stderr)


def test_decode_is_labelled_unverified(binary):
    token = jwt.encode({"sub": "1"}, "k" * 32, algorithm="HS256")
    r = run(binary, "token", "decode", token)
    assert r.returncode == 0
    assert "UNVERIFIED" in r.stderr
    out = json.loads(r.stdout)
    assert out["unverified"] is True and out["payload"] == {"sub": "1"} and out["header"]["alg"] == "HS256"
    assert run(binary, "token", "decode", "only.two").returncode == 1


def generate(binary, tmp_path, alg):
    r = run(binary, "keys", "generate", "--alg", alg, "--kid", f"kid-{alg}")
    assert r.returncode == 0, r.stderr
    private = json.loads(r.stdout)
    assert private["alg"] == alg and private["kid"] == f"kid-{alg}"
    private_path = tmp_path / f"{alg}.jwk"
    private_path.write_text(r.stdout)
    if alg.startswith("HS"):
        public = {"keys": [private]}  # a shared secret: both sides hold it
    else:
        r = run(binary, "keys", "public", str(private_path))
        assert r.returncode == 0, r.stderr
        public = json.loads(r.stdout)
        assert len(public["keys"]) == 1
        assert not {"d", "p", "q", "dp", "dq", "qi", "k"} & set(public["keys"][0])
    public_path = tmp_path / f"{alg}.pub.json"
    public_path.write_text(json.dumps(public))
    return private, private_path, public, public_path


@pytest.mark.parametrize("alg", ALGORITHMS)
def test_stockroom_and_pyjwt_verify_each_others_tokens(binary, tmp_path, alg):
    private, private_path, public, public_path = generate(binary, tmp_path, alg)
    claims = {"iss": "stockroom", "sub": "42", "aud": "stockroom-api", "exp": 4102444800, "role": "admin"}

    # Stockroom signs, PyJWT verifies with the published public key only.
    r = run(binary, "token", "sign", "--key", str(private_path), "--alg", alg, "--claims", json.dumps(claims))
    assert r.returncode == 0, r.stderr
    token = r.stdout.strip()
    verifying_key = jwt.PyJWK(public["keys"][0]).key
    assert jwt.decode(token, verifying_key, algorithms=[alg], audience="stockroom-api", issuer="stockroom") == claims
    assert jwt.get_unverified_header(token)["kid"] == f"kid-{alg}"

    # PyJWT signs with the same private key, Stockroom verifies.
    foreign = jwt.encode(claims, jwt.PyJWK(private).key, algorithm=alg, headers={"kid": f"kid-{alg}"})
    r = run(binary, "token", "verify", "--jwks", str(public_path), "--alg", alg, "--iss", "stockroom",
            "--aud", "stockroom-api", foreign)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["claims"] == claims

    # The same token, one byte of the claims changed: refused.
    head, payload, signature = foreign.split(".")
    altered = ".".join([head, payload[:-2] + ("A" if payload[-2] != "A" else "B") + payload[-1], signature])
    r = run(binary, "token", "verify", "--jwks", str(public_path), "--alg", alg, altered)
    assert r.returncode == 1
    assert r.stderr.startswith("invalid: ")


def test_pem_keys_are_accepted_for_verification(binary, tmp_path):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    private_key = ec.generate_private_key(ec.SECP256R1())
    pem = private_key.public_key().public_bytes(serialization.Encoding.PEM,
                                                serialization.PublicFormat.SubjectPublicKeyInfo)
    pem_path = tmp_path / "key.pem"
    pem_path.write_bytes(pem)
    token = jwt.encode({"sub": "1"}, private_key, algorithm="ES256")
    r = run(binary, "token", "verify", "--jwks", str(pem_path), "--alg", "ES256", token)
    assert r.returncode == 0, r.stderr
    r = run(binary, "token", "verify", "--jwks", str(pem_path), "--alg", "RS256", token)
    assert r.returncode == 2  # the PEM key fits none of the allowed algorithms


@pytest.mark.parametrize("alg", ALGORITHMS)
def test_stockroom_and_node_jose_verify_each_others_tokens(binary, tmp_path, alg):
    private, private_path, public, public_path = generate(binary, tmp_path, alg)
    claims = {"iss": "stockroom", "sub": "7", "aud": "stockroom-api", "exp": 4102444800}

    r = run(binary, "token", "sign", "--key", str(private_path), "--alg", alg, "--claims", json.dumps(claims))
    assert r.returncode == 0, r.stderr
    node = subprocess.run(["node", str(NODE_JOSE), "verify", str(public_path), alg, r.stdout.strip()],
                          capture_output=True, text=True, timeout=60)
    assert node.returncode == 0, node.stderr
    assert json.loads(node.stdout) == claims

    node = subprocess.run(["node", str(NODE_JOSE), "sign", str(private_path), alg, json.dumps(claims)],
                          capture_output=True, text=True, timeout=60)
    assert node.returncode == 0, node.stderr
    r = run(binary, "token", "verify", "--jwks", str(public_path), "--alg", alg, "--aud", "stockroom-api",
            node.stdout.strip())
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["claims"] == claims

    # Node's jose refuses what Stockroom refuses: a token signed with another key of the same kind.
    (tmp_path / "other").mkdir()
    _, other_private_path, _, _ = generate(binary, tmp_path / "other", alg)
    r = run(binary, "token", "sign", "--key", str(other_private_path), "--alg", alg, "--claims", json.dumps(claims))
    node = subprocess.run(["node", str(NODE_JOSE), "verify", str(public_path), alg, r.stdout.strip()],
                          capture_output=True, text=True, timeout=60)
    assert node.returncode == 1
