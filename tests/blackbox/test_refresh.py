"""Refresh tokens: rotation, reuse detection that ends the whole session, the overlap that
keeps two tabs (or a retry) logged in, cookies for browsers, and ending sessions on logout and
account changes."""
import threading
import time

import jwt
import requests

from conftest import ADMIN_PASSWORD, Server

API = "/api/v1"


def login(server, headers=None):
    r = server.post(f"{API}/auth/login", json={"username": "admin", "password": ADMIN_PASSWORD}, headers=headers)
    assert r.status_code == 200, r.text
    return r


def refresh(server, token):
    return server.post(f"{API}/auth/refresh", json={"refresh_token": token})


def test_login_returns_a_refresh_token_that_rotates(server):
    first = login(server).json()
    assert first["refresh_expires_in"] == 12 * 3600
    assert len(first["refresh_token"]) >= 43
    r = refresh(server, first["refresh_token"])
    assert r.status_code == 200, r.text
    second = r.json()
    assert second["refresh_token"] != first["refresh_token"]
    assert r.headers["Cache-Control"] == "no-store"
    # The new access token works, and belongs to the same session.
    assert server.get(f"{API}/items", second["access_token"]).status_code == 200
    sid = lambda t: jwt.decode(t, options={"verify_signature": False})["sid"]
    assert sid(second["access_token"]) == sid(first["access_token"])
    assert refresh(server, second["refresh_token"]).status_code == 200


def test_a_retry_within_the_overlap_gets_the_same_successor(server):
    first = login(server).json()["refresh_token"]
    a = refresh(server, first).json()
    b = refresh(server, first).json()
    assert a["refresh_token"] == b["refresh_token"]
    assert a["access_token"] != b["access_token"]
    assert refresh(server, a["refresh_token"]).status_code == 200


def test_concurrent_refreshes_with_one_token_keep_the_session(server):
    token = login(server).json()["refresh_token"]
    barrier = threading.Barrier(6)
    answers = []

    def go():
        barrier.wait()
        answers.append(requests.post(server.url + f"{API}/auth/refresh", json={"refresh_token": token}, timeout=30))

    threads = [threading.Thread(target=go) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [r.status_code for r in answers] == [200] * 6
    assert len({r.json()["refresh_token"] for r in answers}) == 1  # one successor, one live family


def test_reuse_after_the_overlap_ends_the_whole_session(binary, tmp_path):
    s = Server(binary, tmp_path / "d", ["--refresh-overlap", "0"]).start()
    try:
        first = login(s).json()
        second = refresh(s, first["refresh_token"]).json()
        other_session = login(s).json()
        time.sleep(1.2)
        stolen = refresh(s, first["refresh_token"])  # a copy of the used-up token comes back
        assert stolen.status_code == 401
        assert "already used" in stolen.json()["detail"]
        # Everything of that session is dead: its newest refresh token and its access tokens.
        assert refresh(s, second["refresh_token"]).status_code == 401
        for access in (first["access_token"], second["access_token"]):
            r = s.get(f"{API}/items", access)
            assert r.status_code == 401 and "revoked" in r.headers["WWW-Authenticate"]
        # Other sessions of the same user are untouched.
        assert s.get(f"{API}/items", other_session["access_token"]).status_code == 200
        assert refresh(s, other_session["refresh_token"]).status_code == 200
    finally:
        s.stop()


def test_browsers_get_the_refresh_token_in_a_strict_http_only_cookie(server):
    r = login(server, headers={"Origin": "https://stockroom.plant.example", "Sec-Fetch-Mode": "cors"})
    assert "refresh_token" not in r.json()
    cookie = r.headers["Set-Cookie"]
    for part in ("stockroom_refresh=", "HttpOnly", "Secure", "SameSite=Strict", "Path=/api/v1/auth"):
        assert part in cookie, cookie
    value = cookie.split(";")[0].split("=", 1)[1]
    r = server.post(f"{API}/auth/refresh", headers={"Cookie": f"theme=dark; stockroom_refresh={value}",
                                                    "Sec-Fetch-Mode": "cors"})
    assert r.status_code == 200, r.text
    assert "refresh_token" not in r.json()
    assert r.headers["Set-Cookie"].split(";")[0] != cookie.split(";")[0]


def test_insecure_cookies_flag_for_plain_http_development(binary, tmp_path):
    s = Server(binary, tmp_path / "d", ["--insecure-cookies"]).start()
    try:
        cookie = login(s, headers={"Sec-Fetch-Mode": "cors"}).headers["Set-Cookie"]
        assert "HttpOnly" in cookie and "Secure" not in cookie
    finally:
        s.stop()


def test_logout_ends_the_session(server):
    session = login(server).json()
    assert server.post(f"{API}/auth/logout", session["access_token"]).status_code == 204
    assert refresh(server, session["refresh_token"]).status_code == 401


def test_password_change_ends_older_sessions(server):
    old = login(server).json()
    r = server.post(f"{API}/auth/password", old["access_token"],
                    json={"current_password": ADMIN_PASSWORD, "new_password": "a-new-admin-password"})
    assert r.status_code == 200
    assert "refresh_token" in r.json()
    assert refresh(server, old["refresh_token"]).status_code == 401
    assert refresh(server, r.json()["refresh_token"]).status_code == 200


def test_bad_refresh_requests(server):
    assert refresh(server, "not-a-token").status_code == 401
    assert server.post(f"{API}/auth/refresh").status_code == 422
    assert server.post(f"{API}/auth/refresh", json={"refresh_token": 7}).status_code == 422
    assert server.post(f"{API}/auth/refresh", json={"refresh_token": "x", "extra": 1}).status_code == 422


def test_only_hashes_of_refresh_tokens_are_stored(server):
    import sqlite3
    token = login(server).json()["refresh_token"]
    db = sqlite3.connect(server.data_dir / "stockroom.db")
    try:
        dump = "\n".join(db.iterdump())
    finally:
        db.close()
    assert token not in dump


def test_a_role_change_ends_the_users_sessions(server):
    admin = server.login()
    r = server.post(f"{API}/users", admin, json={"username": "olga", "password": "olga-password-123", "role": "admin"})
    olga_id = r.json()["id"]
    olga = server.post(f"{API}/auth/login", json={"username": "olga", "password": "olga-password-123"}).json()
    assert server.patch(f"{API}/users/{olga_id}", admin, json={"role": "warehouse_staff"}).status_code == 200
    assert refresh(server, olga["refresh_token"]).status_code == 401
    again = server.post(f"{API}/auth/login", json={"username": "olga", "password": "olga-password-123"}).json()
    r = refresh(server, again["refresh_token"])
    assert r.status_code == 200
    assert jwt.decode(r.json()["access_token"], options={"verify_signature": False})["role"] == "warehouse_staff"
