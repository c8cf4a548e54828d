"""The audit trail records security events and user changes (who, when, from where), is
readable by admins only, and `stockroom audit verify` finds any record edited or removed
directly in the database."""
import sqlite3
import subprocess

import pytest

from conftest import ADMIN_PASSWORD, Server

API = "/api/v1"


def records(server, token):
    r = server.get(f"{API}/audit", token, params={"limit": 1000})
    assert r.status_code == 200, r.text
    return r.json()["records"]


def test_security_events_and_user_changes_are_recorded(server):
    admin = server.login()
    server.post(f"{API}/auth/login", json={"username": "admin", "password": "wrong-password-123"})
    server.post(f"{API}/auth/login", json={"username": "ghost", "password": "wrong-password-123"})
    uid = server.post(f"{API}/users", admin, json={"username": "erika", "password": "a-long-staff-password",
                                                   "role": "warehouse_staff"}).json()["id"]
    server.patch(f"{API}/users/{uid}", admin, json={"role": "admin"})
    session = server.post(f"{API}/auth/login", json={"username": "erika", "password": "a-long-staff-password"}).json()
    refreshed = server.post(f"{API}/auth/refresh", json={"refresh_token": session["refresh_token"]}).json()
    server.post(f"{API}/auth/logout", refreshed["access_token"])
    server.post(f"{API}/auth/revoke", admin, json={"user_id": uid})

    trail = records(server, admin)
    actions = [r["action"] for r in trail]
    for action in ("auth.login", "auth.login_failed", "user.create", "user.update", "auth.refresh", "auth.logout",
                   "auth.revoke"):
        assert action in actions, action
    failed = [r for r in trail if r["action"] == "auth.login_failed"]
    assert {r["actor_name"] for r in failed} == {"admin", "ghost"}
    update = next(r for r in trail if r["action"] == "user.update")
    assert update["actor_name"] == "admin" and update["target"] == f"user:{uid}"
    assert update["details"]["before"]["role"] == "warehouse_staff" and update["details"]["after"]["role"] == "admin"
    # The first record is the server creating the first admin; every request's record has its address.
    assert trail[0]["action"] == "user.create" and trail[0]["actor_name"] == "first start"
    assert all(r["address"] == "127.0.0.1" for r in trail[1:])
    assert [r["id"] for r in trail] == list(range(1, len(trail) + 1))
    # Nothing secret is in it.
    text = str(trail)
    assert "a-long-staff-password" not in text and ADMIN_PASSWORD not in text
    assert session["refresh_token"] not in text and admin not in text


def test_only_admins_read_the_audit_trail(server):
    admin = server.login()
    server.post(f"{API}/users", admin, json={"username": "erika", "password": "a-long-staff-password",
                                             "role": "warehouse_staff"})
    staff = server.login("erika", "a-long-staff-password")
    assert server.get(f"{API}/audit", staff).status_code == 403
    assert server.get(f"{API}/audit").status_code == 401
    assert server.get(f"{API}/audit", admin, params={"limit": "0"}).status_code == 422
    page = server.get(f"{API}/audit", admin, params={"limit": "1"}).json()
    assert len(page["records"]) == 1 and page["next_after"] == 1
    assert server.get(f"{API}/audit", admin, params={"after": "1", "limit": "1"}).json()["records"][0]["id"] == 2


@pytest.mark.parametrize("tamper,broken_at", [
    ("UPDATE audit SET details = '{\"role\":\"admin\"}' WHERE id = 4", 4),
    ("UPDATE audit SET actor_name = 'mallory' WHERE id = 3", 3),
    ("DELETE FROM audit WHERE id = 3", 4),
    ("UPDATE audit SET at_ms = at_ms + 1 WHERE id = 5", 5),
])
def test_audit_verify_finds_tampering(binary, tmp_path, tamper, broken_at):
    data = tmp_path / "d"
    s = Server(binary, data).start()
    try:
        admin = s.login()
        for i in range(4):
            s.post(f"{API}/users", admin, json={"username": f"user{i}", "password": "a-long-staff-password",
                                                "role": "warehouse_staff"})
    finally:
        s.stop()
    verify = lambda: subprocess.run([binary, "audit", "verify", "--data-dir", str(data)], capture_output=True,
                                    text=True, timeout=60)
    r = verify()
    # the first admin's creation, a login, four users
    assert r.returncode == 0 and "intact: 6 records" in r.stdout, r.stdout + r.stderr
    db = sqlite3.connect(data / "stockroom.db")
    try:
        db.execute(tamper)
        db.commit()
    finally:
        db.close()
    r = verify()
    assert r.returncode == 1
    assert f"record {broken_at}" in r.stdout, r.stdout


def test_cli_user_changes_are_recorded(binary, tmp_path):
    data = tmp_path / "d"
    run = lambda *a, stdin=None: subprocess.run([binary, *a, "--data-dir", str(data)], input=stdin,
                                                capture_output=True, text=True, timeout=60)
    Server(binary, data).start().stop()  # the first admin
    assert run("user", "add", "olaf", "--role", "admin", stdin="a-long-admin-password\n").returncode == 0
    assert run("user", "set", "olaf", "--disable").returncode == 0
    s = Server(binary, data).start()
    try:
        trail = records(s, s.login())
    finally:
        s.stop()
    cli = [r for r in trail if r["actor_name"] == "cli"]
    assert [r["action"] for r in cli] == ["user.create", "user.update"]
    assert cli[1]["details"]["after"]["disabled"] is True
    assert run("audit", "verify").returncode == 0
