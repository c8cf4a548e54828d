"""Brute-force defence: repeated failed logins of one account from one address get 429 with
Retry-After, while other users log in normally, and unknown accounts behave like known ones."""
API = "/api/v1"


def guess(server, username, password="wrong-password-guess"):
    return server.post(f"{API}/auth/login", json={"username": username, "password": password})


def test_twenty_wrong_passwords_get_429_while_another_user_logs_in(server):
    admin = server.login()
    assert server.post(f"{API}/users", admin, json={"username": "erika", "password": "staff-password-1234",
                                                    "role": "warehouse_staff"}).status_code == 201
    answers = [guess(server, "admin") for _ in range(20)]
    statuses = [r.status_code for r in answers]
    assert set(statuses) <= {401, 429}, statuses
    assert statuses[:5] == [401] * 5  # a few mistakes are normal
    assert statuses[-1] == 429, statuses
    throttled = next(r for r in answers if r.status_code == 429)
    assert int(throttled.headers["Retry-After"]) >= 1
    assert throttled.headers["Content-Type"] == "application/problem+json"
    # Even the right password waits now, from this address...
    assert guess(server, "admin", "correct-horse-battery-staple").status_code == 429
    # ...but another account from the same address is not held up.
    assert server.login("erika", "staff-password-1234")
    # Tokens already issued keep working: throttling is about guessing, not about sessions.
    assert server.get(f"{API}/items", admin).status_code == 200


def test_unknown_and_known_accounts_are_throttled_alike(server):
    known = [guess(server, "admin") for _ in range(12)]
    unknown = [guess(server, "nobody-here") for _ in range(12)]
    assert [r.status_code for r in known] == [r.status_code for r in unknown]
    last_known, last_unknown = known[-1].json(), unknown[-1].json()
    assert last_known["status"] == last_unknown["status"] == 429
    assert last_known == last_unknown
    first_known, first_unknown = known[0], unknown[0]
    assert first_known.status_code == first_unknown.status_code == 401
    assert first_known.json() == first_unknown.json()
