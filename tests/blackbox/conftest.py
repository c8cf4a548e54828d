"""Black-box test fixtures: start the real stockroom binary on a free port with a fresh data
directory and talk to it over HTTP."""
import json
import os
import pathlib
import re
import signal
import subprocess
import threading
import time

import pytest
import requests

REPO = pathlib.Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared"
ADMIN_PASSWORD = "correct-horse-battery-staple"


def pytest_addoption(parser):
    parser.addoption("--stockroom-binary", default=str(REPO / "build" / "release" / "stockroom"),
                     help="path of the stockroom binary under test")


class Server:
    """A running `stockroom serve` process with its log lines collected."""

    def __init__(self, binary, data_dir, extra_args=(), env=None):
        self.binary = binary
        self.data_dir = pathlib.Path(data_dir)
        self.extra_args = list(extra_args)
        self.env = dict(os.environ, STOCKROOM_ADMIN_PASSWORD=ADMIN_PASSWORD)
        self.env.pop("STOCKROOM_LISTEN", None)
        if env:
            self.env.update(env)
        self.proc = None
        self.lines = []
        self.port = None

    def start(self, timeout=30):
        self.lines = []
        self.proc = subprocess.Popen(
            [self.binary, "serve", "--listen", "127.0.0.1:0", "--data-dir", str(self.data_dir), *self.extra_args],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=self.env, text=True)
        ready = threading.Event()

        def pump():
            for line in self.proc.stderr:
                self.lines.append(line)
                if self.port is None and '"msg":"listening"' in line:
                    self.port = json.loads(line)["port"]
                    ready.set()
            ready.set()

        self.port = None
        threading.Thread(target=pump, daemon=True).start()
        if not ready.wait(timeout) or self.port is None:
            self.stop()
            raise RuntimeError("server did not start:\n" + "".join(self.lines))
        self.url = f"http://127.0.0.1:{self.port}"
        return self

    def stop(self, sig=signal.SIGTERM, timeout=20):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode if self.proc else None

    def log_records(self):
        out = []
        for line in list(self.lines):
            line = line.strip()
            if line.startswith("{"):
                out.append(json.loads(line))
        return out

    def wait_for_log(self, predicate, timeout=5):
        """The first log record satisfying predicate, waiting for it (request lines are
        written just after the response, so a client can see the answer first)."""
        deadline = time.monotonic() + timeout
        while True:
            for record in self.log_records():
                if predicate(record):
                    return record
            if time.monotonic() > deadline:
                raise AssertionError("no such log line in:\n" + "".join(self.lines))
            time.sleep(0.02)

    def secret(self):
        """The HS256 secret from the data directory's signing key (a JWK)."""
        import base64
        jwk = json.loads((self.data_dir / "signing-key.jwk").read_text())
        k = jwk["k"]
        return base64.urlsafe_b64decode(k + "=" * (-len(k) % 4)), jwk

    def get(self, path, token=None, **kw):
        return requests.get(self.url + path, headers=_auth(token, kw.pop("headers", None)), timeout=30, **kw)

    def post(self, path, token=None, **kw):
        return requests.post(self.url + path, headers=_auth(token, kw.pop("headers", None)), timeout=30, **kw)

    def patch(self, path, token=None, **kw):
        return requests.patch(self.url + path, headers=_auth(token, kw.pop("headers", None)), timeout=30, **kw)

    def delete(self, path, token=None, **kw):
        return requests.delete(self.url + path, headers=_auth(token, kw.pop("headers", None)), timeout=30, **kw)

    def login(self, username="admin", password=ADMIN_PASSWORD):
        r = self.post("/api/v1/auth/login", json={"username": username, "password": password})
        assert r.status_code == 200, r.text
        return r.json()["access_token"]


def _auth(token, headers):
    headers = dict(headers or {})
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    return headers


def run_cli(binary, *args, stdin="", env=None):
    """Runs `stockroom ARGS...` to completion (standard input `stdin`, then end of file), with
    STOCKROOM_DATA_DIR unset unless `env` sets it; returns the CompletedProcess (text)."""
    full_env = dict(os.environ)
    full_env.pop("STOCKROOM_DATA_DIR", None)
    full_env.update(env or {})
    return subprocess.run([str(binary), *map(str, args)], input=stdin, capture_output=True, text=True,
                          env=full_env, timeout=60)


@pytest.fixture(scope="session")
def binary(pytestconfig):
    path = pytestconfig.getoption("--stockroom-binary")
    assert os.access(path, os.X_OK), f"no stockroom binary at {path}"
    return path


@pytest.fixture
def server(binary, tmp_path):
    """A fresh server on a fresh data directory, stopped after the test."""
    s = Server(binary, tmp_path / "data").start()
    yield s
    s.stop()


@pytest.fixture(scope="module")
def shared_server(binary, tmp_path_factory):
    """One server for a whole test module (for tests that do not disturb each other)."""
    s = Server(binary, tmp_path_factory.mktemp("shared") / "data").start()
    yield s
    s.stop()


@pytest.fixture
def admin_token(server):
    return server.login()
