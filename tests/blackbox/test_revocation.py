"""Revocation takes effect on the very next request: logout, password changes, role changes,
disabling, admin revocation; it survives a restart, and forgets entries once their tokens expire."""
import sqlite3
import time

import jwt
import pytest

from conftest import ADMIN_PASSWORD, Server

API = "/api/v1"
STAFF_PASSWORD = "staff-password-1234"


def assert_revoked(r):
    assert r.status_code == 401, r.text
    assert 'error="invalid_token"' in r.headers["WWW-Authenticate"]
    assert "revoked" in r.headers["WWW-Authenticate"]


def make_user(server, admin, username, role="warehouse_staff", password=STAFF_PASSWORD):
    r = server.post(f"{API}/users", admin, json={"username": username, "password": password, "role": role})
    assert r.status_code == 201, r.text
    return r.json()["id"]


def test_logout_revokes_that_token_only(server):
    first = server.login()
    second = server.login()
    assert server.post(f"{API}/auth/logout", first).status_code == 204
    assert_revoked(server.get(f"{API}/items", first))
    assert server.get(f"{API}/items", second).status_code == 200
    assert_revoked(server.post(f"{API}/auth/logout", first))


def test_role_change_turns_an_admin_token_away_at_once(server):
    admin = server.login()
    make_user(server, admin, "olga", role="admin", password="olga-password-123")
    olga = server.login("olga", "olga-password-123")
    assert server.get(f"{API}/users", olga).status_code == 200
    olga_id = jwt.decode(olga, options={"verify_signature": False})["sub"]
    r = server.patch(f"{API}/users/{olga_id}", admin, json={"role": "warehouse_staff"})
    assert r.status_code == 200 and r.json()["role"] == "warehouse_staff"
    assert_revoked(server.get(f"{API}/users", olga))
    # Logging in again, right away, gives a staff token that works and is refused admin work.
    again = server.login("olga", "olga-password-123")
    assert server.get(f"{API}/items", again).status_code == 200
    assert server.get(f"{API}/users", again).status_code == 403


def test_disabling_a_user_revokes_their_tokens_and_login(server):
    admin = server.login()
    uid = make_user(server, admin, "erika")
    staff = server.login("erika", STAFF_PASSWORD)
    assert server.patch(f"{API}/users/{uid}", admin, json={"disabled": True}).json()["disabled"] is True
    assert_revoked(server.get(f"{API}/items", staff))
    assert server.post(f"{API}/auth/login", json={"username": "erika", "password": STAFF_PASSWORD}).status_code == 401
    assert server.patch(f"{API}/users/{uid}", admin, json={"disabled": False}).status_code == 200
    assert server.get(f"{API}/items", server.login("erika", STAFF_PASSWORD)).status_code == 200


def test_changing_ones_own_password(server):
    admin = server.login()
    make_user(server, admin, "erika")
    old = server.login("erika", STAFF_PASSWORD)
    r = server.post(f"{API}/auth/password", old, json={"current_password": "not-the-password", "new_password": "x" * 20})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "current_password"
    r = server.post(f"{API}/auth/password", old, json={"current_password": STAFF_PASSWORD, "new_password": "short"})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "new_password"
    assert server.get(f"{API}/items", old).status_code == 200  # refused changes revoke nothing

    r = server.post(f"{API}/auth/password", old, json={"current_password": STAFF_PASSWORD,
                                                         "new_password": "a-brand-new-password"})
    assert r.status_code == 200, r.text
    fresh = r.json()["access_token"]
    assert_revoked(server.get(f"{API}/items", old))
    assert server.get(f"{API}/items", fresh).status_code == 200
    assert server.post(f"{API}/auth/login", json={"username": "erika", "password": STAFF_PASSWORD}).status_code == 401
    assert server.login("erika", "a-brand-new-password")


def test_admin_password_reset_revokes_the_users_tokens(server):
    admin = server.login()
    uid = make_user(server, admin, "erika")
    staff = server.login("erika", STAFF_PASSWORD)
    assert server.patch(f"{API}/users/{uid}", admin, json={"password": "reset-by-the-admin"}).status_code == 200
    assert_revoked(server.get(f"{API}/items", staff))
    assert server.login("erika", "reset-by-the-admin")


@pytest.mark.parametrize("how", ["token", "jti", "user_id"])
def test_admin_revokes_a_token_a_jti_or_a_user(server, how):
    admin = server.login()
    uid = make_user(server, admin, "erika")
    staff = server.login("erika", STAFF_PASSWORD)
    claims = jwt.decode(staff, options={"verify_signature": False})
    body = {"token": staff, "jti": claims["jti"], "user_id": uid}[how]
    r = server.post(f"{API}/auth/revoke", admin, json={how: body})
    assert r.status_code == 204, r.text
    assert_revoked(server.get(f"{API}/items", staff))
    assert server.get(f"{API}/items", admin).status_code == 200


def test_staff_cannot_revoke_or_change_users(server):
    admin = server.login()
    admin_id = jwt.decode(admin, options={"verify_signature": False})["sub"]
    make_user(server, admin, "erika")
    staff = server.login("erika", STAFF_PASSWORD)
    assert server.post(f"{API}/auth/revoke", staff, json={"user_id": int(admin_id)}).status_code == 403
    assert server.patch(f"{API}/users/{admin_id}", staff, json={"disabled": True}).status_code == 403
    staff_id = jwt.decode(staff, options={"verify_signature": False})["sub"]
    assert server.patch(f"{API}/users/{staff_id}", staff, json={"role": "admin"}).status_code == 403
    assert server.get(f"{API}/users", admin).status_code == 200


@pytest.mark.parametrize("body,field", [
    ({"role": "root"}, "role"), ({"disabled": "yes"}, "disabled"), ({"password": "short"}, "password"),
    ({"username": "x"}, "username"), ({"colour": "red"}, "colour")])
def test_bad_user_changes_are_422_and_change_nothing(server, body, field):
    admin = server.login()
    uid = make_user(server, admin, "erika")
    staff = server.login("erika", STAFF_PASSWORD)
    r = server.patch(f"{API}/users/{uid}", admin, json=body)
    assert r.status_code == 422 and field in {e["field"] for e in r.json()["errors"]}
    assert server.get(f"{API}/items", staff).status_code == 200


def test_the_last_active_admin_cannot_be_demoted_or_disabled(server):
    admin = server.login()
    admin_id = jwt.decode(admin, options={"verify_signature": False})["sub"]
    for change in ({"role": "warehouse_staff"}, {"disabled": True}):
        r = server.patch(f"{API}/users/{admin_id}", admin, json=change)
        assert r.status_code == 409, r.text
    assert server.get(f"{API}/users", admin).status_code == 200


def test_bad_revocation_requests(server):
    admin = server.login()
    for body in ({}, {"jti": ""}, {"user_id": "7"}, {"token": "not.a.jwt"}, {"jti": "a", "user_id": 1}, {"who": 1}):
        assert server.post(f"{API}/auth/revoke", admin, json=body).status_code == 422, body
    assert server.post(f"{API}/auth/revoke", admin, json={"user_id": 999}).status_code == 404


def test_revocations_survive_a_restart(binary, tmp_path):
    s = Server(binary, tmp_path / "d").start()
    try:
        gone = s.login()
        kept = s.login()
        assert s.post(f"{API}/auth/logout", gone).status_code == 204
    finally:
        s.stop()
    s.start()
    try:
        assert_revoked(s.get(f"{API}/items", gone))
        assert s.get(f"{API}/items", kept).status_code == 200
    finally:
        s.stop()


def test_revocations_are_forgotten_once_their_tokens_expire(binary, tmp_path):
    s = Server(binary, tmp_path / "d", ["--token-ttl", "2", "--token-leeway", "0"]).start()
    try:
        token = s.login()
        assert s.post(f"{API}/auth/logout", token).status_code == 204
    finally:
        s.stop()
    db = sqlite3.connect(tmp_path / "d" / "stockroom.db")
    try:
        assert db.execute("SELECT COUNT(*) FROM revocations").fetchone()[0] == 2  # the token and its session
    finally:
        db.close()
    time.sleep(3.1)
    s.start()  # loading drops what has expired
    try:
        assert s.post(f"{API}/auth/login", json={"username": "admin", "password": ADMIN_PASSWORD}).status_code == 200
    finally:
        s.stop()
    db = sqlite3.connect(tmp_path / "d" / "stockroom.db")
    try:
        assert db.execute("SELECT COUNT(*) FROM revocations").fetchone()[0] == 0
    finally:
        db.close()


def test_back_to_back_changes_within_one_second_each_revoke(server):
    admin = server.login()
    uid = make_user(server, admin, "erika")
    roles = ["admin", "warehouse_staff"] * 2
    for role in roles:
        token = server.login("erika", STAFF_PASSWORD)
        assert server.get(f"{API}/items", token).status_code == 200
        assert server.patch(f"{API}/users/{uid}", admin, json={"role": role}).status_code == 200
        assert_revoked(server.get(f"{API}/items", token))
