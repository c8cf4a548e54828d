"""The command line as an operator uses it: help, first start, `user add` / `user list`,
`--data-dir` anywhere and from the environment. Each test runs the real binary."""
import re
import sqlite3
import time

import pytest

from conftest import Server, run_cli as run

API = "/api/v1"


def test_help_describes_every_command_and_option(binary):
    top = run(binary, "--help")
    assert top.returncode == 0
    for word in ("serve", "user", "--data-dir"):
        assert word in top.stdout
    serve = run(binary, "serve", "--help")
    assert serve.returncode == 0
    for option in ("--listen", "--token-ttl", "--token-leeway", "--issuer", "--audience", "--durability",
                   "--io-threads", "--db-threads", "--max-connections", "STOCKROOM_LISTEN"):
        assert option in serve.stdout, option
    add = run(binary, "user", "add", "--help")
    assert add.returncode == 0 and "--role" in add.stdout and "standard input" in add.stdout
    for command in (["user", "add"], ["user", "list"], ["user", "set"], ["keys", "rotate"], ["audit", "verify"]):
        assert "--data-dir" in run(binary, *command, "--help").stdout, command


def test_unknown_command_is_a_usage_error(binary):
    r = run(binary, "frobnicate")
    assert r.returncode != 0
    assert r.stderr


def test_first_start_prints_a_random_admin_password_that_works(binary, tmp_path):
    s = Server(binary, tmp_path / "d")
    s.env.pop("STOCKROOM_ADMIN_PASSWORD")
    s.start()
    try:
        text = "".join(s.lines)
        match = re.search(r"created user 'admin' with password\s+(\S+)", text)
        assert match, text
        password = match.group(1)
        assert len(password) >= 16
        assert s.login("admin", password)
        assert s.post(f"{API}/auth/login", json={"username": "admin", "password": "wrong-password-123"}).status_code == 401
    finally:
        s.stop()
    # Second start: the admin exists, nothing is printed again.
    s.start()
    try:
        assert "with password" not in "".join(s.lines)
        assert s.login("admin", password)
    finally:
        s.stop()


def test_weak_admin_password_from_environment_is_refused_at_start(binary, tmp_path):
    r = run(binary, "serve", "--listen", "127.0.0.1:0", "--data-dir", str(tmp_path / "d"),
            env={"STOCKROOM_ADMIN_PASSWORD": "short"})
    assert r.returncode == 1
    assert "STOCKROOM_ADMIN_PASSWORD" in r.stderr


@pytest.mark.parametrize("value", ["A/B", "A/B/", "", " R", "R\x01", ".."])
def test_a_receiving_location_that_is_no_code_is_refused_at_start(binary, tmp_path, value):
    r = run(binary, "serve", "--listen", "127.0.0.1:0", "--data-dir", str(tmp_path / "d"),
            "--receiving-location", value)
    assert r.returncode == 2, (r.stdout, r.stderr)
    assert "--receiving-location: must be one location code" in r.stderr
    assert not (tmp_path / "d").exists()


@pytest.mark.parametrize("placement", ["before", "after", "env"])
def test_user_add_reads_the_password_from_stdin_and_the_user_can_log_in(binary, tmp_path, placement):
    data = tmp_path / "d"
    s = Server(binary, data).start()  # creates the data directory and the admin
    s.stop()
    password = "a-long-staff-password"
    if placement == "before":
        r = run(binary, "--data-dir", str(data), "user", "add", "erika", "--role", "warehouse_staff", stdin=password + "\n")
    elif placement == "after":
        r = run(binary, "user", "add", "erika", "--role", "warehouse_staff", "--data-dir", str(data), stdin=password + "\n")
    else:
        r = run(binary, "user", "add", "erika", "--role", "warehouse_staff", stdin=password + "\n",
                env={"STOCKROOM_DATA_DIR": str(data)})
    assert r.returncode == 0, r.stderr
    assert password not in r.stdout + r.stderr

    listed = run(binary, "user", "list", "--data-dir", str(data))
    assert listed.returncode == 0
    rows = {line.split()[1]: line.split()[2] for line in listed.stdout.splitlines()[1:]}
    assert rows == {"admin": "admin", "erika": "warehouse_staff"}

    s.start()
    try:
        token = s.login("erika", password)
        assert s.get(f"{API}/auth/me", token).json()["role"] == "warehouse_staff"
    finally:
        s.stop()


def test_user_add_stores_only_an_argon2id_hash(binary, tmp_path):
    data = tmp_path / "d"
    Server(binary, data).start().stop()
    password = "another-long-password"
    r = run(binary, "user", "add", "olaf", "--role", "admin", "--data-dir", str(data), stdin=password + "\n")
    assert r.returncode == 0, r.stderr
    db = sqlite3.connect(data / "stockroom.db")
    try:
        dump = "\n".join(db.iterdump())
    finally:
        db.close()
    assert password not in dump
    assert "$argon2id$" in dump


@pytest.mark.parametrize("args,stdin,message", [
    (["user", "add", "erika", "--role", "superuser"], "a-long-staff-password\n", "role"),
    (["user", "add", "bad name", "--role", "admin"], "a-long-staff-password\n", "username"),
    (["user", "add", "erika"], "short\n", "password"),
    (["user", "add", "erika"], "", "password"),
])
def test_user_add_refuses_bad_input(binary, tmp_path, args, stdin, message):
    r = run(binary, *args, "--data-dir", str(tmp_path / "d"), stdin=stdin)
    assert r.returncode != 0
    assert message in r.stderr.lower()


def test_user_add_refuses_a_duplicate(binary, tmp_path):
    data = str(tmp_path / "d")
    Server(binary, tmp_path / "d").start().stop()
    assert run(binary, "user", "add", "erika", "--data-dir", data, stdin="a-long-staff-password\n").returncode == 0
    again = run(binary, "user", "add", "erika", "--data-dir", data, stdin="a-long-staff-password\n")
    assert again.returncode == 1 and "exists" in again.stderr


def wait_until_refused(server, token, seconds=5):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        r = server.get(f"{API}/items", token)
        if r.status_code == 401:
            return r
        time.sleep(0.1)
    raise AssertionError("the token still works")


def test_user_set_and_passwd_revoke_tokens_of_a_running_server(binary, tmp_path):
    data = tmp_path / "d"
    s = Server(binary, data).start()
    try:
        admin = s.login()
        assert s.post(f"{API}/users", admin, json={"username": "erika", "password": "a-long-staff-password",
                                                   "role": "warehouse_staff"}).status_code == 201
        staff = s.login("erika", "a-long-staff-password")
        r = run(binary, "user", "set", "erika", "--disable", "--data-dir", str(data))
        assert r.returncode == 0, r.stderr
        assert "revoked" in wait_until_refused(s, staff).headers["WWW-Authenticate"]
        assert s.post(f"{API}/auth/login", json={"username": "erika", "password": "a-long-staff-password"}).status_code == 401
        assert run(binary, "user", "set", "erika", "--enable", "--role", "admin", "--data-dir", str(data)).returncode == 0
        promoted = s.login("erika", "a-long-staff-password")
        assert s.get(f"{API}/users", promoted).status_code == 200

        r = run(binary, "user", "passwd", "erika", "--data-dir", str(data), stdin="a-new-staff-password\n")
        assert r.returncode == 0, r.stderr
        wait_until_refused(s, promoted)
        assert s.login("erika", "a-new-staff-password")
        assert s.get(f"{API}/items", admin).status_code == 200  # others are untouched
    finally:
        s.stop()


def test_user_set_refuses_to_remove_the_last_admin_and_needs_a_change(binary, tmp_path):
    data = tmp_path / "d"
    Server(binary, data).start().stop()
    r = run(binary, "user", "set", "admin", "--role", "warehouse_staff", "--data-dir", str(data))
    assert r.returncode == 1 and "last active admin" in r.stderr
    assert run(binary, "user", "set", "admin", "--disable", "--data-dir", str(data)).returncode == 1
    assert run(binary, "user", "set", "admin", "--data-dir", str(data)).returncode == 2
    assert run(binary, "user", "set", "nobody", "--disable", "--data-dir", str(data)).returncode == 1
    assert run(binary, "user", "passwd", "admin", "--data-dir", str(data), stdin="short\n").returncode == 1


@pytest.mark.parametrize("args", [["user", "list"], ["user", "add", "erika"], ["user", "set", "erika", "--disable"],
                                  ["keys", "list"], ["keys", "rotate"], ["audit", "verify"]])
def test_commands_other_than_serve_never_create_a_data_directory(binary, tmp_path, args):
    typo = tmp_path / "typo"
    r = run(binary, *args, "--data-dir", str(typo), stdin="a-long-staff-password\n")
    assert r.returncode == (2 if args[0] == "audit" else 1), r.stdout + r.stderr  # audit: 1 means "broken"
    assert "no Stockroom data" in r.stderr
    assert not typo.exists()


def test_a_failed_first_start_keeps_the_admin_password_for_the_next(binary, tmp_path):
    import socket
    busy = socket.socket()
    busy.bind(("127.0.0.1", 0))
    busy.listen()
    port = busy.getsockname()[1]
    try:
        r = run(binary, "serve", "--listen", f"127.0.0.1:{port}", "--data-dir", str(tmp_path / "d"))
        assert r.returncode == 1
        assert f"cannot listen on 127.0.0.1:{port}" in r.stderr
        assert "with password" not in r.stderr
    finally:
        busy.close()
    s = Server(binary, tmp_path / "d")
    s.env.pop("STOCKROOM_ADMIN_PASSWORD")
    s.start()
    try:
        assert "created user 'admin' with password" in "".join(s.lines)
    finally:
        s.stop()


def test_a_login_right_after_a_cli_change_survives_it(binary, tmp_path):
    data = tmp_path / "d"
    s = Server(binary, data).start()
    try:
        admin = s.login()
        assert s.post(f"{API}/users", admin, json={"username": "mia", "password": "a-long-staff-password",
                                                   "role": "admin"}).status_code == 201
        for _ in range(3):
            assert run(binary, "user", "set", "mia", "--role", "warehouse_staff", "--data-dir", str(data)).returncode == 0
            token = s.login("mia", "a-long-staff-password")  # at once, before the server polls
            time.sleep(1.3)
            assert s.get(f"{API}/items", token).status_code == 200
    finally:
        s.stop()
