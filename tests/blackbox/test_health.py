"""Liveness and readiness need no token; unknown paths are problem+json 404s."""


def test_healthz_answers_without_token(server):
    r = server.get("/healthz")
    assert r.status_code == 200
    assert r.json() == {"status": "ok"}


def test_readyz_reports_database_reachable(server):
    r = server.get("/readyz")
    assert r.status_code == 200
    assert r.json()["status"] == "ready"


def test_unknown_path_is_problem_json_404(server):
    r = server.get("/no/such/thing")
    assert r.status_code == 404
    assert r.headers["Content-Type"] == "application/problem+json"
    assert r.json()["status"] == 404


def test_wrong_method_is_405_with_allow(server):
    r = server.delete("/healthz")
    assert r.status_code == 405
    assert "GET" in r.headers["Allow"]


def test_every_request_is_logged_as_one_json_line(server):
    server.get("/healthz")
    last = server.wait_for_log(lambda r: r.get("msg") == "request" and r.get("path") == "/healthz")
    assert last["method"] == "GET" and last["status"] == 200
    assert isinstance(last["duration_us"], int) and last["duration_us"] >= 0
    assert "sub" not in last  # unauthenticated
