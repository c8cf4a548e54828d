"""The stock ledger over real HTTP: movements are the only way stock changes, a balance never
goes below zero (also under concurrent posts), retries with an Idempotency-Key apply once,
reversals undo exactly once, and every acknowledged movement survives a SIGKILL with the
balances still equal to the sum of the ledger."""
from collections import Counter, defaultdict
from decimal import Decimal
import itertools
import sqlite3
import threading

import pytest
import requests

from conftest import Server, run_cli

API = "/api/v1"
STAFF_PASSWORD = "ledger-staff-password-1"
_skus = itertools.count(1)


def new_sku(prefix="LEDGER"):
    return f"{prefix}-{next(_skus)}"


@pytest.fixture(scope="module")
def admin(shared_server):
    return shared_server.login()


@pytest.fixture(scope="module")
def staff(shared_server, admin):
    r = shared_server.post(f"{API}/users", admin, json={"username": "lena", "password": STAFF_PASSWORD,
                                                         "role": "warehouse_staff"})
    assert r.status_code == 201, r.text
    return shared_server.login("lena", STAFF_PASSWORD)


@pytest.fixture(scope="module")
def staff_sub(shared_server, admin, staff):
    users = shared_server.get(f"{API}/users", admin).json()["users"]
    return str(next(u["id"] for u in users if u["username"] == "lena"))


def create_item(server, token, sku=None, quantity="0", location=None, **over):
    body = {"sku": sku or new_sku(), "name": "Ledger test item", "unit": "pcs", "quantity": quantity}
    if location is not None:
        body["location"] = location
    body.update(over)
    r = server.post(f"{API}/items", token, json=body)
    assert r.status_code == 201, r.text
    return r.json()


def ensure_locations(server, token, *codes):
    for code in codes:
        r = server.post(f"{API}/locations", token, json={"code": code})
        assert r.status_code in (201, 409), r.text


def move(server, token, **body):
    return server.post(f"{API}/movements", token, json=body)


def moved(server, token, **body):
    r = move(server, token, **body)
    assert r.status_code == 201, r.text
    assert r.headers["Location"] == f"{API}/movements/{r.json()['id']}"
    return r.json()


def item(server, token, item_id):
    r = server.get(f"{API}/items/{item_id}", token)
    assert r.status_code == 200, r.text
    return r.json()


def balances(server, token, item_id):
    """{(location path, lot): Decimal} of an item's non-zero balances, checking that the item's
    quantity is their sum."""
    got = item(server, token, item_id)
    out = {}
    for b in got["balances"]:
        assert (b["location"], b["lot"]) not in out
        assert Decimal(b["quantity"]) > 0, b
        out[(b["location"], b["lot"])] = Decimal(b["quantity"])
    assert Decimal(got["quantity"]) == sum(out.values(), Decimal(0))
    return out


def lines(movement):
    """A movement's balance lines as (location, lot, change, resulting quantity), decimals exact."""
    return [(b["location"], b["lot"], Decimal(b["change"]), Decimal(b["quantity"])) for b in movement["balances"]]


def exact(movement):
    """A movement with its decimal strings as Decimals (a balance may read "5" or "5.00")."""
    out = dict(movement, quantity=Decimal(movement["quantity"]), balances=lines(movement))
    if "difference" in out:
        out["difference"] = Decimal(out["difference"])
    return out


def all_movements(server, token, path=f"{API}/movements", **params):
    out, cursor = [], None
    while True:
        query = dict(params, limit=params.get("limit", 1000))
        if cursor:
            query["cursor"] = cursor
        r = server.get(path, token, params=query)
        assert r.status_code == 200, r.text
        page = r.json()
        out += page["movements"]
        cursor = page["next_cursor"]
        if not cursor:
            return out


def problem_fields(r):
    assert r.headers["Content-Type"] == "application/problem+json", r.headers
    return [e["field"] for e in r.json()["errors"]]


# --- concurrency --------------------------------------------------------------------------------

def test_fifty_concurrent_issues_against_twenty_never_oversell(shared_server, admin, staff):
    it = create_item(shared_server, admin, quantity="20", location="CONC-BIN")
    url = shared_server.url + f"{API}/movements"
    barrier = threading.Barrier(50)
    results = [None] * 50

    def issue(i):
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {staff}"
        barrier.wait()
        r = session.post(url, json={"type": "issue", "item_id": it["id"], "quantity": "1",
                                    "from_location": "CONC-BIN", "reference": f"PO-{i}"}, timeout=60)
        results[i] = (r.status_code, r.json())

    threads = [threading.Thread(target=issue, args=(i,)) for i in range(50)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    statuses = Counter(status for status, _ in results)
    assert statuses == {201: 20, 409: 30}, statuses
    created = [body for status, body in results if status == 201]
    # Each success saw its own balance: 19, 18, ..., 0, once each.
    assert sorted(Decimal(m["balances"][0]["quantity"]) for m in created) == [Decimal(n) for n in range(20)]
    assert all(lines(m)[0][:3] == ("CONC-BIN", "", Decimal(-1)) and m["quantity"] == "1" for m in created)
    for status, body in results:
        if status == 409:
            assert body["type"] == "urn:stockroom:problem:insufficient-stock"
            assert (body["item_id"], body["location"], body["lot"]) == (it["id"], "CONC-BIN", "")
            assert Decimal(body["available"]) == 0 and Decimal(body["requested"]) == 1
    after = item(shared_server, admin, it["id"])
    assert after["quantity"] == "0" and after["balances"] == []
    issues = all_movements(shared_server, admin, f"{API}/items/{it['id']}/movements", type="issue")
    assert sorted(m["id"] for m in issues) == sorted(m["id"] for m in created)
    assert len(all_movements(shared_server, admin, f"{API}/items/{it['id']}/movements")) == 21  # + the opening


# --- Idempotency-Key ----------------------------------------------------------------------------

def test_retry_with_the_same_idempotency_key_applies_once(shared_server, admin, staff):
    it = create_item(shared_server, admin, quantity="10", location="IDEM-BIN")
    body = {"type": "issue", "item_id": it["id"], "quantity": "2.5", "from_location": "IDEM-BIN",
            "reference": "PO-4711"}
    key = {"Idempotency-Key": f"po-4711-line-3-{it['id']}"}
    first = shared_server.post(f"{API}/movements", staff, json=body, headers=key)
    assert first.status_code == 201, first.text
    assert "Idempotent-Replayed" not in first.headers
    second = shared_server.post(f"{API}/movements", staff, json=body, headers=key)
    assert second.status_code == 201
    assert second.headers["Idempotent-Replayed"] == "true"
    assert second.json() == first.json()
    assert second.headers["Location"] == first.headers["Location"]
    assert balances(shared_server, admin, it["id"]) == {("IDEM-BIN", ""): Decimal("7.5")}

    # The same key with another body is refused and changes nothing.
    other = dict(body, quantity="3")
    r = shared_server.post(f"{API}/movements", staff, json=other, headers=key)
    assert r.status_code == 422, r.text
    assert r.headers["Content-Type"] == "application/problem+json"
    assert balances(shared_server, admin, it["id"]) == {("IDEM-BIN", ""): Decimal("7.5")}
    # ... and the first answer is still the one replayed.
    third = shared_server.post(f"{API}/movements", staff, json=body, headers=key)
    assert third.status_code == 201 and third.json()["id"] == first.json()["id"]

    # Keys belong to their user: the admin's request with the same key runs on its own.
    mine = shared_server.post(f"{API}/movements", admin, json=body, headers=key)
    assert mine.status_code == 201, mine.text
    assert "Idempotent-Replayed" not in mine.headers
    assert mine.json()["id"] != first.json()["id"]
    assert mine.json()["actor"]["username"] == "admin"
    assert balances(shared_server, admin, it["id"]) == {("IDEM-BIN", ""): Decimal("5")}
    assert len(all_movements(shared_server, admin, f"{API}/items/{it['id']}/movements", type="issue")) == 2


def test_a_replayed_refusal_is_the_first_refusal(shared_server, admin, staff):
    it = create_item(shared_server, admin, quantity="1", location="IDEM-BIN")
    body = {"type": "issue", "item_id": it["id"], "quantity": "2", "from_location": "IDEM-BIN"}
    key = {"Idempotency-Key": f"too-much-{it['id']}"}
    first = shared_server.post(f"{API}/movements", staff, json=body, headers=key)
    assert first.status_code == 409
    # Stock arrives; the retry still gets the first answer, and nothing is issued.
    moved(shared_server, admin, type="receive", item_id=it["id"], quantity="5", to_location="IDEM-BIN")
    second = shared_server.post(f"{API}/movements", staff, json=body, headers=key)
    assert second.status_code == 409 and second.json() == first.json()
    assert second.headers["Idempotent-Replayed"] == "true"
    assert balances(shared_server, admin, it["id"]) == {("IDEM-BIN", ""): Decimal("6")}


def test_concurrent_retries_with_one_key_apply_once(shared_server, admin, staff):
    it = create_item(shared_server, admin, quantity="100", location="IDEM-BIN")
    url = shared_server.url + f"{API}/movements"
    body = {"type": "issue", "item_id": it["id"], "quantity": "1", "from_location": "IDEM-BIN"}
    barrier = threading.Barrier(10)
    results = []

    def post():
        session = requests.Session()
        session.headers.update({"Authorization": f"Bearer {staff}", "Idempotency-Key": f"burst-{it['id']}"})
        barrier.wait()
        r = session.post(url, json=body, timeout=60)
        results.append((r.status_code, r.json()))

    threads = [threading.Thread(target=post) for _ in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # Each answer is the one movement or "still running" (409); never a second issue.
    assert {status for status, _ in results} <= {201, 409}, results
    ids = {body["id"] for status, body in results if status == 201}
    assert len(ids) == 1, results
    assert balances(shared_server, admin, it["id"]) == {("IDEM-BIN", ""): Decimal("99")}
    assert [m["id"] for m in all_movements(shared_server, admin, f"{API}/items/{it['id']}/movements",
                                           type="issue")] == list(ids)


def test_idempotent_item_creation_replays_the_item(shared_server, admin):
    sku = new_sku("IDEM-ITEM")
    body = {"sku": sku, "name": "Idempotent item", "quantity": "4", "location": "IDEM-BIN"}
    key = {"Idempotency-Key": f"create-{sku}"}
    first = shared_server.post(f"{API}/items", admin, json=body, headers=key)
    second = shared_server.post(f"{API}/items", admin, json=body, headers=key)
    assert first.status_code == second.status_code == 201
    assert second.json() == first.json() and second.headers["ETag"] == first.headers["ETag"]
    assert second.headers["Idempotent-Replayed"] == "true"
    assert balances(shared_server, admin, first.json()["id"]) == {("IDEM-BIN", ""): Decimal("4")}


@pytest.mark.parametrize("key", ["", "x" * 256, "tab\there", "umlaut-ü"])
def test_bad_idempotency_keys_are_refused(shared_server, admin, key):
    it = create_item(shared_server, admin, quantity="3", location="IDEM-BIN")
    r = shared_server.post(f"{API}/movements", admin, headers={"Idempotency-Key": key.encode()},
                           json={"type": "issue", "item_id": it["id"], "quantity": "1", "from_location": "IDEM-BIN"})
    assert r.status_code in (400, 422), r.text
    assert balances(shared_server, admin, it["id"]) == {("IDEM-BIN", ""): Decimal("3")}


# --- the balance never goes below zero ----------------------------------------------------------

def test_issue_beyond_the_balance_is_409_and_changes_nothing(shared_server, admin, staff):
    it = create_item(shared_server, admin, quantity="37.4904", location="Factory/Office Block/Room 101")
    before = all_movements(shared_server, admin, f"{API}/items/{it['id']}/movements")
    r = move(shared_server, staff, type="issue", item_id=it["id"], quantity="37.4905", from_location="Room 101")
    assert r.status_code == 409, r.text
    p = r.json()
    assert p["type"] == "urn:stockroom:problem:insufficient-stock"
    assert (p["item_id"], p["location"], p["lot"]) == (it["id"], "Factory/Office Block/Room 101", "")
    assert Decimal(p["available"]) == Decimal("37.4904") and Decimal(p["requested"]) == Decimal("37.4905")
    assert balances(shared_server, admin, it["id"]) == {("Factory/Office Block/Room 101", ""): Decimal("37.4904")}
    assert all_movements(shared_server, admin, f"{API}/items/{it['id']}/movements") == before
    # Exactly the balance empties it.
    m = moved(shared_server, staff, type="issue", item_id=it["id"], quantity="37.4904",
              from_location="Factory/Office Block/Room 101")
    assert lines(m) == [("Factory/Office Block/Room 101", "", Decimal("-37.4904"), Decimal(0))]
    assert balances(shared_server, admin, it["id"]) == {}
    # An issue from a location where the item has never been is 409 with available 0.
    r = move(shared_server, staff, type="issue", item_id=it["id"], quantity="1", from_location="Factory")
    assert r.status_code == 409 and Decimal(r.json()["available"]) == 0 and r.json()["location"] == "Factory"


def test_transfer_that_would_go_negative_moves_nothing(shared_server, admin, staff):
    it = create_item(shared_server, admin, quantity="5", location="XFER-A")
    ensure_locations(shared_server, admin, "XFER-B")
    moved(shared_server, admin, type="receive", item_id=it["id"], quantity="2", to_location="XFER-B")
    before_moves = all_movements(shared_server, admin, f"{API}/items/{it['id']}/movements")
    expected = {("XFER-A", ""): Decimal(5), ("XFER-B", ""): Decimal(2)}
    r = move(shared_server, staff, type="transfer", item_id=it["id"], quantity="5.5", from_location="XFER-A",
             to_location="XFER-B")
    assert r.status_code == 409, r.text
    p = r.json()
    assert (p["item_id"], p["location"], p["lot"]) == (it["id"], "XFER-A", "")
    assert Decimal(p["available"]) == 5 and Decimal(p["requested"]) == Decimal("5.5")
    assert balances(shared_server, admin, it["id"]) == expected
    assert all_movements(shared_server, admin, f"{API}/items/{it['id']}/movements") == before_moves
    # A transfer within the balance moves both sides in one movement.
    m = moved(shared_server, staff, type="transfer", item_id=it["id"], quantity="4.75", from_location="XFER-A",
              to_location="XFER-B")
    assert (m["from_location"], m["to_location"], m["quantity"]) == ("XFER-A", "XFER-B", "4.75")
    assert sorted(lines(m)) == [("XFER-A", "", Decimal("-4.75"), Decimal("0.25")),
                                ("XFER-B", "", Decimal("4.75"), Decimal("6.75"))]
    assert balances(shared_server, admin, it["id"]) == {("XFER-A", ""): Decimal("0.25"),
                                                       ("XFER-B", ""): Decimal("6.75")}


# --- count --------------------------------------------------------------------------------------

def test_count_sets_the_balance_and_reports_the_difference(shared_server, admin, staff):
    it = create_item(shared_server, admin, quantity="10", location="COUNT-BIN")
    ensure_locations(shared_server, admin, "COUNT-OTHER")
    up = moved(shared_server, staff, type="count", item_id=it["id"], quantity="12.5", location="COUNT-BIN")
    assert up["type"] == "count" and up["location"] == "COUNT-BIN"
    assert Decimal(up["difference"]) == Decimal("2.5") and up["quantity"] == "12.5"
    assert lines(up) == [("COUNT-BIN", "", Decimal("2.5"), Decimal("12.5"))]
    assert balances(shared_server, admin, it["id"]) == {("COUNT-BIN", ""): Decimal("12.5")}

    down = moved(shared_server, staff, type="count", item_id=it["id"], quantity="3", location="COUNT-BIN")
    assert Decimal(down["difference"]) == Decimal("-9.5")
    assert balances(shared_server, admin, it["id"]) == {("COUNT-BIN", ""): Decimal("3")}

    same = moved(shared_server, staff, type="count", item_id=it["id"], quantity="3", location="COUNT-BIN")
    assert Decimal(same["difference"]) == 0
    assert balances(shared_server, admin, it["id"]) == {("COUNT-BIN", ""): Decimal("3")}

    # Counting stock where the system had none records it all as a difference.
    elsewhere = moved(shared_server, staff, type="count", item_id=it["id"], quantity="4", location="COUNT-OTHER")
    assert Decimal(elsewhere["difference"]) == 4

    # Zero is a valid count: the balance disappears from the item.
    zero = moved(shared_server, staff, type="count", item_id=it["id"], quantity="0", location="COUNT-BIN")
    assert Decimal(zero["difference"]) == -3
    assert balances(shared_server, admin, it["id"]) == {("COUNT-OTHER", ""): Decimal("4")}


# --- reverse ------------------------------------------------------------------------------------

def test_reversals_restore_balances_once(shared_server, admin, staff):
    ensure_locations(shared_server, admin, "REV-A", "REV-B")
    it = create_item(shared_server, admin, quantity="0")
    receipt = moved(shared_server, staff, type="receive", item_id=it["id"], quantity="10", to_location="REV-A",
                    reference="GR-1")
    issue = moved(shared_server, staff, type="issue", item_id=it["id"], quantity="3", from_location="REV-A")
    transfer = moved(shared_server, staff, type="transfer", item_id=it["id"], quantity="4", from_location="REV-A",
                     to_location="REV-B")
    assert balances(shared_server, admin, it["id"]) == {("REV-A", ""): Decimal(3), ("REV-B", ""): Decimal(4)}

    undo_transfer = moved(shared_server, staff, type="reverse", reverses=transfer["id"], reason="wrong bin")
    assert undo_transfer["reverses"] == transfer["id"] and undo_transfer["reason"] == "wrong bin"
    assert (undo_transfer["from_location"], undo_transfer["to_location"]) == ("REV-B", "REV-A")
    assert balances(shared_server, admin, it["id"]) == {("REV-A", ""): Decimal(7)}

    undo_issue = moved(shared_server, staff, type="reverse", reverses=issue["id"])
    assert balances(shared_server, admin, it["id"]) == {("REV-A", ""): Decimal(10)}

    undo_receipt = moved(shared_server, staff, type="reverse", reverses=receipt["id"])
    assert balances(shared_server, admin, it["id"]) == {}
    assert item(shared_server, admin, it["id"])["quantity"] == "0"

    for original, reversal in ((transfer, undo_transfer), (issue, undo_issue), (receipt, undo_receipt)):
        got = shared_server.get(f"{API}/movements/{original['id']}", admin).json()
        assert got["reversed_by"] == reversal["id"]
        # Reversing twice is a conflict and changes nothing.
        r = move(shared_server, staff, type="reverse", reverses=original["id"])
        assert r.status_code == 409, r.text
        assert problem_fields(r) == ["reverses"]
        # A reversal cannot itself be reversed.
        r = move(shared_server, staff, type="reverse", reverses=reversal["id"])
        assert r.status_code == 422, r.text
        assert problem_fields(r) == ["reverses"]
    assert balances(shared_server, admin, it["id"]) == {}
    assert len(all_movements(shared_server, admin, f"{API}/items/{it['id']}/movements")) == 6


def test_reversing_a_receipt_already_issued_is_409(shared_server, admin):
    ensure_locations(shared_server, admin, "REV-A")
    it = create_item(shared_server, admin, quantity="0")
    receipt = moved(shared_server, admin, type="receive", item_id=it["id"], quantity="10", to_location="REV-A")
    moved(shared_server, admin, type="issue", item_id=it["id"], quantity="8", from_location="REV-A")
    r = move(shared_server, admin, type="reverse", reverses=receipt["id"])
    assert r.status_code == 409, r.text
    assert Decimal(r.json()["available"]) == 2 and Decimal(r.json()["requested"]) == 10
    assert balances(shared_server, admin, it["id"]) == {("REV-A", ""): Decimal(2)}
    assert shared_server.get(f"{API}/movements/{receipt['id']}", admin).json()["reversed_by"] is None


def test_reversing_a_count_restores_the_counted_balance(shared_server, admin):
    it = create_item(shared_server, admin, quantity="10", location="REV-C")
    count = moved(shared_server, admin, type="count", item_id=it["id"], quantity="6", location="REV-C")
    undo = moved(shared_server, admin, type="reverse", reverses=count["id"])
    assert balances(shared_server, admin, it["id"]) == {("REV-C", ""): Decimal(10)}
    # The reversal records what it changed: 4 back into REV-C (not the 6 that were counted).
    assert (Decimal(undo["quantity"]), undo["from_location"], undo["to_location"]) == (4, None, "REV-C")
    assert lines(undo) == [("REV-C", "", Decimal(4), Decimal(10))]

    # A count that found more: its reversal takes the surplus out again.
    count = moved(shared_server, admin, type="count", item_id=it["id"], quantity="12.5", location="REV-C")
    undo = moved(shared_server, admin, type="reverse", reverses=count["id"])
    assert (Decimal(undo["quantity"]), undo["from_location"], undo["to_location"]) == (Decimal("2.5"), "REV-C", None)
    assert lines(undo) == [("REV-C", "", Decimal("-2.5"), Decimal(10))]
    assert balances(shared_server, admin, it["id"]) == {("REV-C", ""): Decimal(10)}


def test_a_reversal_follows_the_items_rules_as_they_are_now(shared_server, admin, staff):
    """A reversal must not put back stock that the item's current rules forbid: finer than its
    precision, or without a lot once it is lot-tracked."""
    ensure_locations(shared_server, admin, "REV-RULE")
    fine = create_item(shared_server, admin, quantity="0")
    moved(shared_server, staff, type="receive", item_id=fine["id"], quantity="1.5", to_location="REV-RULE")
    half = moved(shared_server, staff, type="issue", item_id=fine["id"], quantity="0.5", from_location="REV-RULE")
    moved(shared_server, staff, type="issue", item_id=fine["id"], quantity="1", from_location="REV-RULE")
    r = shared_server.patch(f"{API}/items/{fine['id']}", admin, json={"precision": 0})
    assert r.status_code == 200, r.text
    r = move(shared_server, staff, type="reverse", reverses=half["id"])
    assert r.status_code == 409 and problem_fields(r) == ["reverses"], r.text
    assert "precision is 0" in r.json()["detail"]
    assert balances(shared_server, admin, fine["id"]) == {}

    lots = create_item(shared_server, admin, quantity="0")
    moved(shared_server, staff, type="receive", item_id=lots["id"], quantity="5", to_location="REV-RULE")
    issue = moved(shared_server, staff, type="issue", item_id=lots["id"], quantity="5", from_location="REV-RULE")
    r = shared_server.patch(f"{API}/items/{lots['id']}", admin, json={"lot_tracked": True})
    assert r.status_code == 200, r.text
    r = move(shared_server, staff, type="reverse", reverses=issue["id"])
    assert r.status_code == 409 and problem_fields(r) == ["reverses"], r.text
    assert balances(shared_server, admin, lots["id"]) == {}
    # Without the rule the same reversal goes through.
    assert shared_server.patch(f"{API}/items/{lots['id']}", admin, json={"lot_tracked": False}).status_code == 200
    moved(shared_server, staff, type="reverse", reverses=issue["id"])
    assert balances(shared_server, admin, lots["id"]) == {("REV-RULE", ""): Decimal(5)}


def test_a_count_that_changed_nothing_cannot_be_reversed(shared_server, admin):
    it = create_item(shared_server, admin, quantity="4", location="REV-ZERO")
    same = moved(shared_server, admin, type="count", item_id=it["id"], quantity="4", location="REV-ZERO")
    assert Decimal(same["difference"]) == 0
    r = move(shared_server, admin, type="reverse", reverses=same["id"])
    assert r.status_code == 422 and problem_fields(r) == ["reverses"], r.text
    assert "nothing to reverse" in r.json()["detail"]
    assert balances(shared_server, admin, it["id"]) == {("REV-ZERO", ""): Decimal(4)}


def test_a_reversal_into_a_deleted_location_is_409_naming_reverses(shared_server, admin):
    it = create_item(shared_server, admin, quantity="5", location="REV-GONE")
    count = moved(shared_server, admin, type="count", item_id=it["id"], quantity="2", location="REV-GONE")
    moved(shared_server, admin, type="issue", item_id=it["id"], quantity="2", from_location="REV-GONE")
    assert shared_server.delete(f"{API}/locations/REV-GONE", admin).status_code == 204
    r = move(shared_server, admin, type="reverse", reverses=count["id"])
    assert r.status_code == 409 and problem_fields(r) == ["reverses"], r.text
    assert balances(shared_server, admin, it["id"]) == {}


@pytest.mark.parametrize("extra,field", [
    ({"item_id": 1}, "item_id"), ({"quantity": "1"}, "quantity"), ({"from_location": "REV-A"}, "from_location"),
    ({"to_location": "REV-A"}, "to_location"), ({"location": "REV-A"}, "location"), ({"lot": "L1"}, "lot"),
])
def test_a_reverse_names_only_the_reversed_movement(shared_server, admin, extra, field):
    it = create_item(shared_server, admin, quantity="5", location="REV-A")
    opening = all_movements(shared_server, admin, f"{API}/items/{it['id']}/movements")[0]
    r = move(shared_server, admin, type="reverse", reverses=opening["id"], **extra)
    assert r.status_code == 422, r.text
    assert problem_fields(r) == [field]
    assert balances(shared_server, admin, it["id"]) == {("REV-A", ""): Decimal(5)}


def test_reverse_of_an_unknown_movement_is_refused(shared_server, admin):
    r = move(shared_server, admin, type="reverse", reverses=99999999)
    assert r.status_code in (404, 422), r.text
    r = move(shared_server, admin, type="reverse")
    assert r.status_code == 422 and problem_fields(r) == ["reverses"]


# --- lots and precision -------------------------------------------------------------------------

def test_lot_tracked_items_need_a_lot_and_keep_lots_apart(shared_server, admin, staff):
    body = {"sku": new_sku("LOT"), "name": "Lot-tracked resin", "lot_tracked": True, "quantity": "5",
            "location": "LOT-BIN"}
    r = shared_server.post(f"{API}/items", admin, json=body)
    assert r.status_code == 422 and "lot" in problem_fields(r), r.text
    assert shared_server.get(f"{API}/items/by-sku/{body['sku']}", admin).status_code == 404
    it = create_item(shared_server, admin, **dict(body, lot="2026-11-A"))
    ensure_locations(shared_server, admin, "LOT-OTHER")
    assert it["lot_tracked"] is True
    assert it["balances"] == [{"location": "LOT-BIN", "lot": "2026-11-A", "quantity": "5"}]

    for missing in ({"type": "receive", "quantity": "1", "to_location": "LOT-BIN"},
                    {"type": "issue", "quantity": "1", "from_location": "LOT-BIN"},
                    {"type": "transfer", "quantity": "1", "from_location": "LOT-BIN", "to_location": "LOT-OTHER"},
                    {"type": "count", "quantity": "1", "location": "LOT-BIN"},
                    {"type": "receive", "quantity": "1", "to_location": "LOT-BIN", "lot": ""}):
        r = move(shared_server, staff, item_id=it["id"], **missing)
        assert r.status_code == 422, (missing, r.text)
        assert problem_fields(r) == ["lot"], missing

    moved(shared_server, staff, type="receive", item_id=it["id"], quantity="7", to_location="LOT-BIN", lot="2026-12-B")
    assert balances(shared_server, admin, it["id"]) == {("LOT-BIN", "2026-11-A"): Decimal(5),
                                                       ("LOT-BIN", "2026-12-B"): Decimal(7)}
    # Lot A alone cannot cover 6 even though the location holds 12.
    r = move(shared_server, staff, type="issue", item_id=it["id"], quantity="6", from_location="LOT-BIN",
             lot="2026-11-A")
    assert r.status_code == 409
    assert (r.json()["lot"], Decimal(r.json()["available"])) == ("2026-11-A", Decimal(5))
    # A transfer keeps the lot.
    m = moved(shared_server, staff, type="transfer", item_id=it["id"], quantity="2", from_location="LOT-BIN",
              to_location="LOT-OTHER", lot="2026-12-B")
    assert {(b["location"], b["lot"]) for b in m["balances"]} == {("LOT-BIN", "2026-12-B"), ("LOT-OTHER", "2026-12-B")}
    assert balances(shared_server, admin, it["id"]) == {("LOT-BIN", "2026-11-A"): Decimal(5),
                                                       ("LOT-BIN", "2026-12-B"): Decimal(5),
                                                       ("LOT-OTHER", "2026-12-B"): Decimal(2)}
    r = move(shared_server, staff, type="receive", item_id=it["id"], quantity="1", to_location="LOT-BIN", lot="L" * 65)
    assert r.status_code == 422 and problem_fields(r) == ["lot"]


def test_items_without_lot_tracking_may_still_name_lots(shared_server, admin):
    it = create_item(shared_server, admin, quantity="3", location="LOT-BIN")
    moved(shared_server, admin, type="receive", item_id=it["id"], quantity="2", to_location="LOT-BIN", lot="BATCH-1")
    assert balances(shared_server, admin, it["id"]) == {("LOT-BIN", ""): Decimal(3), ("LOT-BIN", "BATCH-1"): Decimal(2)}


@pytest.mark.parametrize("lot", [" L-7", "L-7 ", "\tL-7", "L\n7"])
def test_lots_with_outer_whitespace_or_line_breaks_are_422(shared_server, admin, lot):
    """"L-7 " next to "L-7" would be a second balance nobody can tell apart on a label."""
    it = create_item(shared_server, admin, quantity="3", location="LOT-WS", lot="L-7")
    for body in ({"type": "receive", "quantity": "1", "to_location": "LOT-WS"},
                 {"type": "count", "quantity": "1", "location": "LOT-WS"}):
        r = move(shared_server, admin, item_id=it["id"], lot=lot, **body)
        assert r.status_code == 422 and problem_fields(r) == ["lot"], r.text
    r = shared_server.post(f"{API}/items", admin, json={"sku": new_sku("LOTWS"), "name": "x", "quantity": "1",
                                                        "location": "LOT-WS", "lot": lot})
    assert r.status_code == 422 and problem_fields(r) == ["lot"], r.text
    assert balances(shared_server, admin, it["id"]) == {("LOT-WS", "L-7"): Decimal(3)}


def test_rule_changes_that_stock_would_break_are_409_naming_the_field(shared_server, admin, staff):
    it = create_item(shared_server, admin, quantity="2.5", location="RULE-BIN")
    r = shared_server.patch(f"{API}/items/{it['id']}", staff, json={"precision": 0})
    assert r.status_code == 409 and problem_fields(r) == ["precision"], r.text
    r = shared_server.patch(f"{API}/items/{it['id']}", staff, json={"lot_tracked": True})
    assert r.status_code == 409 and problem_fields(r) == ["lot_tracked"], r.text
    assert "1 of this item's balances has no lot" in r.json()["detail"]
    got = item(shared_server, admin, it["id"])
    assert (got["precision"], got["lot_tracked"], got["version"]) == (it["precision"], False, it["version"])
    # Once the stock fits, the change goes through.
    moved(shared_server, staff, type="count", item_id=it["id"], quantity="2", location="RULE-BIN")
    r = shared_server.patch(f"{API}/items/{it['id']}", staff, json={"precision": 0})
    assert r.status_code == 200 and r.json()["precision"] == 0, r.text


def test_the_history_of_a_deleted_location_stays_filterable_by_its_code(shared_server, admin):
    it = create_item(shared_server, admin, quantity="4", location="HIST-SITE/HIST-BIN")
    issue = moved(shared_server, admin, type="issue", item_id=it["id"], quantity="4", from_location="HIST-BIN")
    assert shared_server.delete(f"{API}/locations/HIST-BIN", admin).status_code == 204
    history = all_movements(shared_server, admin, location="HIST-BIN")
    of_item = all_movements(shared_server, admin, f"{API}/items/{it['id']}/movements")
    assert len(of_item) == 2 and of_item[-1]["id"] == issue["id"]
    assert [m["id"] for m in history] == [m["id"] for m in of_item]
    # A path must still match the live tree.
    r = shared_server.get(f"{API}/movements", admin, params={"location": "HIST-SITE/HIST-BIN"})
    assert r.status_code == 422 and problem_fields(r) == ["location"], r.text


def test_quantities_must_fit_the_items_precision(shared_server, admin, staff):
    pieces = create_item(shared_server, admin, quantity="10", location="PREC-BIN", precision=0)
    assert pieces["precision"] == 0
    for quantity in ("1.5", "0.1", "1.000001"):
        r = move(shared_server, staff, type="issue", item_id=pieces["id"], quantity=quantity, from_location="PREC-BIN")
        assert r.status_code == 422, (quantity, r.text)
        assert problem_fields(r) == ["quantity"]
    r = move(shared_server, staff, type="count", item_id=pieces["id"], quantity="9.5", location="PREC-BIN")
    assert r.status_code == 422 and problem_fields(r) == ["quantity"]
    assert balances(shared_server, admin, pieces["id"]) == {("PREC-BIN", ""): Decimal(10)}
    moved(shared_server, staff, type="issue", item_id=pieces["id"], quantity="2", from_location="PREC-BIN")
    assert balances(shared_server, admin, pieces["id"]) == {("PREC-BIN", ""): Decimal(8)}

    litres = create_item(shared_server, admin, quantity="98.12", location="PREC-BIN", precision=2)
    r = move(shared_server, staff, type="receive", item_id=litres["id"], quantity="0.125", to_location="PREC-BIN")
    assert r.status_code == 422 and problem_fields(r) == ["quantity"]
    moved(shared_server, staff, type="receive", item_id=litres["id"], quantity="0.13", to_location="PREC-BIN")
    assert balances(shared_server, admin, litres["id"]) == {("PREC-BIN", ""): Decimal("98.25")}

    # The opening quantity of a new item follows the same rule.
    r = shared_server.post(f"{API}/items", admin, json={"sku": new_sku("PREC"), "name": "x", "precision": 0,
                                                        "quantity": "2.5", "location": "PREC-BIN"})
    assert r.status_code == 422 and "quantity" in problem_fields(r)
    r = shared_server.post(f"{API}/items", admin, json={"sku": new_sku("PREC"), "name": "x", "precision": 7})
    assert r.status_code == 422 and problem_fields(r) == ["precision"]


@pytest.mark.parametrize("quantity", ["0", "-1", "1e3", " 1", "007", "1.1234567", 5, None])
def test_bad_movement_quantities_are_422(shared_server, admin, quantity):
    it = create_item(shared_server, admin, quantity="10", location="QTY-BIN")
    body = {"type": "issue", "item_id": it["id"], "from_location": "QTY-BIN"}
    if quantity is not None:
        body["quantity"] = quantity
    r = move(shared_server, admin, **body)
    assert r.status_code == 422, r.text
    assert problem_fields(r) == ["quantity"]
    assert balances(shared_server, admin, it["id"]) == {("QTY-BIN", ""): Decimal(10)}


@pytest.mark.parametrize("body,fields", [
    ({}, ["type"]),
    ({"type": "steal", "item_id": 1, "quantity": "1"}, ["type"]),
    ({"type": "receive", "quantity": "1", "to_location": "QTY-BIN"}, ["item_id"]),
    ({"type": "receive", "item_id": "1", "quantity": "1", "to_location": "QTY-BIN"}, ["item_id"]),
    ({"type": "receive", "item_id": 1, "quantity": "1", "to_location": "QTY-BIN", "colour": "red"}, ["colour"]),
    ({"type": "receive", "item_id": 1, "quantity": "1", "to_location": "QTY-BIN", "reason": "r" * 1001}, ["reason"]),
])
def test_malformed_movements_are_422_naming_the_field(shared_server, admin, body, fields):
    r = move(shared_server, admin, **body)
    assert r.status_code == 422, r.text
    assert set(fields) <= set(problem_fields(r))


def test_balances_near_the_limit_keep_quantity_equal_to_their_sum(server, binary):
    """Quantities are below 10^12 each, but receipts add up: whatever the server does at its
    limits, a receipt is never "insufficient stock", the item's quantity stays the exact sum of
    its balances, and the ledger still verifies."""
    admin = server.login()
    it = create_item(server, admin, sku="HUGE-1", location="HUGE-A")
    ensure_locations(server, admin, "HUGE-B")
    accepted = defaultdict(Decimal)
    for location in ("HUGE-A", "HUGE-B"):
        for _ in range(10):
            r = move(server, admin, type="receive", item_id=it["id"], quantity="999999999999.5",
                     to_location=location)
            assert r.status_code in (201, 422), r.text
            if r.status_code == 201:
                accepted[(location, "")] += Decimal("999999999999.5")
            else:
                assert problem_fields(r) == ["quantity"]
    got = item(server, admin, it["id"])
    stock = {(b["location"], b["lot"]): Decimal(b["quantity"]) for b in got["balances"]}
    assert stock == dict(accepted)
    assert Decimal(got["quantity"]) == sum(stock.values(), Decimal(0))
    server.stop()
    r = run_cli(binary, "audit", "verify-stock", "--data-dir", server.data_dir)
    assert r.returncode == 0, r.stdout + r.stderr


# --- items and locations a movement names -------------------------------------------------------

def test_movements_on_deleted_or_unknown_items_are_404(shared_server, admin, staff):
    it = create_item(shared_server, admin, quantity="5", location="DEL-BIN")
    moved(shared_server, admin, type="issue", item_id=it["id"], quantity="5", from_location="DEL-BIN")
    assert shared_server.delete(f"{API}/items/{it['id']}", admin).status_code == 204
    for body in ({"type": "receive", "quantity": "1", "to_location": "DEL-BIN"},
                 {"type": "count", "quantity": "1", "location": "DEL-BIN"}):
        r = move(shared_server, staff, item_id=it["id"], **body)
        assert r.status_code == 404, r.text
        assert r.headers["Content-Type"] == "application/problem+json"
    r = move(shared_server, staff, type="receive", item_id=987654321, quantity="1", to_location="DEL-BIN")
    assert r.status_code == 404
    # The deleted item's history stays readable.
    assert len(all_movements(shared_server, admin, item_id=it["id"])) == 2
    # Only admins list deleted items, which carry deleted_at.
    listed, cursor = [], None
    while True:
        page = shared_server.get(f"{API}/items", admin, params={"include_deleted": "true", "limit": 500,
                                                                **({"cursor": cursor} if cursor else {})}).json()
        listed += page["items"]
        cursor = page["next_cursor"]
        if not cursor:
            break
    gone = [i for i in listed if i["id"] == it["id"]]
    assert len(gone) == 1 and gone[0]["deleted_at"]
    assert all(i.get("deleted_at") is None for i in listed if i["id"] != it["id"] and i["sku"].startswith("LEDGER"))
    assert shared_server.get(f"{API}/items", staff, params={"include_deleted": "true"}).status_code == 403
    live = shared_server.get(f"{API}/items", admin, params={"limit": 500}).json()["items"]
    assert it["id"] not in [i["id"] for i in live]


@pytest.mark.parametrize("body,field", [
    ({"type": "receive", "to_location": "NO-SUCH-BIN"}, "to_location"),
    ({"type": "issue", "from_location": "NO-SUCH-BIN"}, "from_location"),
    ({"type": "transfer", "from_location": "NO-SUCH-BIN", "to_location": "LOC-A"}, "from_location"),
    ({"type": "transfer", "from_location": "LOC-A", "to_location": "NO-SUCH-BIN"}, "to_location"),
    ({"type": "count", "location": "NO-SUCH-BIN"}, "location"),
    ({"type": "receive", "to_location": "LOC-SITE/LOC-NOT-HERE"}, "to_location"),
    ({"type": "receive"}, "to_location"),
    ({"type": "issue"}, "from_location"),
    ({"type": "transfer", "from_location": "LOC-A"}, "to_location"),
    ({"type": "count"}, "location"),
    ({"type": "receive", "to_location": "a//b"}, "to_location"),
])
def test_unknown_or_missing_locations_are_422_naming_the_field(shared_server, admin, body, field):
    it = create_item(shared_server, admin, quantity="5", location="LOC-SITE/LOC-A")
    create_item(shared_server, admin, quantity="0", location="LOC-NOT-HERE")
    r = move(shared_server, admin, item_id=it["id"], quantity="1", **body)
    assert r.status_code == 422, r.text
    assert problem_fields(r) == [field]
    assert balances(shared_server, admin, it["id"]) == {("LOC-SITE/LOC-A", ""): Decimal(5)}
    # Receiving never creates a location.
    assert shared_server.get(f"{API}/locations/NO-SUCH-BIN", admin).status_code == 404


def test_a_path_that_contradicts_the_tree_names_the_segment(shared_server, admin):
    it = create_item(shared_server, admin, quantity="5", location="PATH-SITE/PATH-HALL/PATH-BIN")
    create_item(shared_server, admin, quantity="0", location="PATH-OTHER")
    r = move(shared_server, admin, type="issue", item_id=it["id"], quantity="1", from_location="PATH-SITE/PATH-BIN")
    assert r.status_code == 422
    assert problem_fields(r) == ["from_location"]
    assert '"PATH-BIN"' in r.json()["errors"][0]["detail"]
    # A path starts at the top.
    r = move(shared_server, admin, type="issue", item_id=it["id"], quantity="1", from_location="PATH-HALL/PATH-BIN")
    assert r.status_code == 422 and problem_fields(r) == ["from_location"]
    assert '"PATH-HALL"' in r.json()["errors"][0]["detail"]
    # The code and the full path name the same place.
    for ref in ("PATH-BIN", "PATH-SITE/PATH-HALL/PATH-BIN"):
        m = moved(shared_server, admin, type="issue", item_id=it["id"], quantity="1", from_location=ref)
        assert m["from_location"] == "PATH-SITE/PATH-HALL/PATH-BIN"
    assert balances(shared_server, admin, it["id"]) == {("PATH-SITE/PATH-HALL/PATH-BIN", ""): Decimal(3)}


def test_opening_stock_without_a_location_goes_to_receiving(shared_server, admin):
    it = create_item(shared_server, admin, quantity="12.5")
    assert it["balances"] == [{"location": "RECEIVING", "lot": "", "quantity": "12.5"}]
    opening = all_movements(shared_server, admin, f"{API}/items/{it['id']}/movements")
    assert [(m["type"], m["to_location"], m["quantity"]) for m in opening] == [("receive", "RECEIVING", "12.5")]
    assert shared_server.get(f"{API}/locations/RECEIVING", admin).status_code == 200
    # No quantity, or zero: no movement at all.
    for quantity in (None, "0"):
        body = {"sku": new_sku(), "name": "empty"} | ({"quantity": quantity} if quantity else {})
        r = shared_server.post(f"{API}/items", admin, json=body)
        assert r.status_code == 201 and r.json()["quantity"] == "0" and r.json()["balances"] == []
        assert all_movements(shared_server, admin, f"{API}/items/{r.json()['id']}/movements") == []


def test_a_movement_never_changes_the_items_version(shared_server, admin, staff):
    r = shared_server.post(f"{API}/items", admin, json={"sku": new_sku(), "name": "Versioned", "quantity": "5",
                                                        "location": "VER-BIN"})
    it = r.json()
    etag = r.headers["ETag"]
    assert etag == '"v1"'
    moved(shared_server, staff, type="receive", item_id=it["id"], quantity="3", to_location="VER-BIN")
    moved(shared_server, staff, type="issue", item_id=it["id"], quantity="1", from_location="VER-BIN")
    moved(shared_server, staff, type="count", item_id=it["id"], quantity="4", location="VER-BIN")
    got = shared_server.get(f"{API}/items/{it['id']}", staff)
    assert got.headers["ETag"] == etag and got.json()["version"] == 1
    assert got.json()["updated_at"] == it["updated_at"]
    r = shared_server.patch(f"{API}/items/{it['id']}", staff, json={"name": "Renamed"}, headers={"If-Match": etag})
    assert r.status_code == 200, r.text
    assert r.json()["version"] == 2 and r.json()["quantity"] == "4"
    # Editing the item's fields leaves its stock alone.
    assert balances(shared_server, admin, it["id"]) == {("VER-BIN", ""): Decimal(4)}


# --- roles --------------------------------------------------------------------------------------

def test_staff_post_movements_but_do_not_manage_locations(shared_server, admin, staff, staff_sub):
    it = create_item(shared_server, admin, quantity="10", location="ROLE-A")
    create_item(shared_server, admin, quantity="0", location="ROLE-B")
    made = [moved(shared_server, staff, type="receive", item_id=it["id"], quantity="1", to_location="ROLE-A"),
            moved(shared_server, staff, type="issue", item_id=it["id"], quantity="1", from_location="ROLE-A"),
            moved(shared_server, staff, type="transfer", item_id=it["id"], quantity="1", from_location="ROLE-A",
                  to_location="ROLE-B"),
            moved(shared_server, staff, type="count", item_id=it["id"], quantity="8", location="ROLE-A")]
    made.append(moved(shared_server, staff, type="reverse", reverses=made[2]["id"]))
    assert all(m["actor"] == {"sub": staff_sub, "username": "lena"} for m in made)
    assert balances(shared_server, admin, it["id"]) == {("ROLE-A", ""): Decimal(9)}

    r = shared_server.post(f"{API}/locations", staff, json={"code": "STAFF-MADE"})
    assert r.status_code == 403 and r.headers["Content-Type"] == "application/problem+json"
    assert shared_server.get(f"{API}/locations/STAFF-MADE", staff).status_code == 404
    assert shared_server.delete(f"{API}/locations/ROLE-B", staff).status_code == 403
    assert shared_server.get(f"{API}/locations/ROLE-B", staff).status_code == 200
    assert shared_server.patch(f"{API}/locations/ROLE-B", staff, json={"name": "Bin B"}).status_code == 200
    # Staff read the ledger and the stock; the audit trail is the admin's.
    assert shared_server.get(f"{API}/movements", staff, params={"item_id": it["id"]}).status_code == 200
    assert shared_server.get(f"{API}/movements/{made[0]['id']}", staff).status_code == 200
    assert shared_server.get(f"{API}/audit", staff).status_code == 403
    # No token, no ledger.
    assert shared_server.post(f"{API}/movements", json={"type": "receive", "item_id": it["id"], "quantity": "1",
                                                       "to_location": "ROLE-A"}).status_code == 401
    assert shared_server.get(f"{API}/movements").status_code == 401
    assert balances(shared_server, admin, it["id"]) == {("ROLE-A", ""): Decimal(9)}


# --- reading the ledger -------------------------------------------------------------------------

@pytest.fixture(scope="module")
def history(shared_server, admin, staff, staff_sub):
    """Two items with 31 movements between them, by two users, across three locations."""
    a = create_item(shared_server, admin, quantity="100", location="HIST-SITE/HIST-A")
    b = create_item(shared_server, admin, quantity="50", location="HIST-SITE/HIST-B")
    ensure_locations(shared_server, admin, "HIST-C")
    for i in range(10):
        moved(shared_server, staff, type="issue", item_id=a["id"], quantity="1", from_location="HIST-A")
        moved(shared_server, admin, type="transfer", item_id=b["id"], quantity="2", from_location="HIST-B",
              to_location="HIST-C")
    for i in range(9):
        moved(shared_server, staff, type="receive", item_id=a["id"], quantity="0.5", to_location="HIST-C")
    # Sorted by id, these are every movement of the two items.
    ours = [m for m in all_movements(shared_server, admin) if m["item_id"] in (a["id"], b["id"])]
    assert len(ours) == 31
    return {"a": a, "b": b, "movements": ours, "staff_sub": staff_sub}


def test_list_filters(shared_server, admin, history):
    a, b, ours = history["a"], history["b"], history["movements"]
    ids = lambda ms: [m["id"] for m in ms]
    mine = lambda ms: [m for m in ms if m["item_id"] in (a["id"], b["id"])]
    assert ids(all_movements(shared_server, admin, item_id=a["id"])) == ids(m for m in ours if m["item_id"] == a["id"])
    assert ids(all_movements(shared_server, admin, f"{API}/items/{b['id']}/movements")) == \
        ids(m for m in ours if m["item_id"] == b["id"])
    assert ids(mine(all_movements(shared_server, admin, type="transfer"))) == \
        ids(m for m in ours if m["type"] == "transfer")
    assert len(ids(mine(all_movements(shared_server, admin, type="issue")))) == 10
    # location matches either side, by code or path; a location's own movements only
    at_c = [m for m in ours if "HIST-C" in (m["from_location"], m["to_location"])]
    assert len(at_c) == 19
    assert ids(mine(all_movements(shared_server, admin, location="HIST-C"))) == ids(at_c)
    at_b = [m for m in ours if "HIST-SITE/HIST-B" in (m["from_location"], m["to_location"])]
    assert len(at_b) == 11
    assert ids(all_movements(shared_server, admin, location="HIST-SITE/HIST-B")) == ids(at_b)
    # actor is the user id
    by_staff = ids(m for m in ours if m["actor"]["sub"] == history["staff_sub"])
    assert len(by_staff) == 19
    assert ids(mine(all_movements(shared_server, admin, actor=history["staff_sub"]))) == by_staff
    # combined
    assert ids(all_movements(shared_server, admin, item_id=a["id"], type="receive", location="HIST-C")) == \
        ids(m for m in ours if m["item_id"] == a["id"] and m["type"] == "receive" and m["to_location"] == "HIST-C")
    # from is inclusive, to exclusive
    lo, hi = ours[5]["at"], ours[25]["at"]
    window = ids(m for m in ours if lo <= m["at"] < hi)
    assert ids(mine(all_movements(shared_server, admin, **{"from": lo, "to": hi}))) == window
    assert ids(mine(all_movements(shared_server, admin, **{"from": lo}))) == ids(m for m in ours if m["at"] >= lo)
    assert ids(mine(all_movements(shared_server, admin, to=hi))) == ids(m for m in ours if m["at"] < hi)
    assert all_movements(shared_server, admin, item_id=a["id"], **{"from": "2000-01-01", "to": "2000-01-02"}) == []
    # an unknown item's list is 404
    assert shared_server.get(f"{API}/items/987654321/movements", admin).status_code == 404


def test_cursor_pagination_visits_each_movement_once(shared_server, admin, history):
    a = history["a"]
    expected = [m["id"] for m in history["movements"] if m["item_id"] == a["id"]]
    assert len(expected) == 20
    seen, cursor, pages = [], None, 0
    while True:
        params = {"item_id": a["id"], "limit": 6, **({"cursor": cursor} if cursor else {})}
        page = shared_server.get(f"{API}/movements", admin, params=params).json()
        assert len(page["movements"]) <= 6
        seen += [m["id"] for m in page["movements"]]
        pages += 1
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == expected and pages in (4, 5)
    # The default page is 100, in ascending id order.
    page = shared_server.get(f"{API}/movements", admin).json()
    got = [m["id"] for m in page["movements"]]
    assert got == sorted(got) and len(got) == min(100, len(got))


def test_a_listed_movement_reads_back_identically(shared_server, admin, history):
    for m in history["movements"][:5] + history["movements"][-5:]:
        r = shared_server.get(f"{API}/movements/{m['id']}", admin)
        assert r.status_code == 200 and r.json() == m
    assert shared_server.get(f"{API}/movements/987654321", admin).status_code == 404
    assert shared_server.get(f"{API}/movements/abc", admin).status_code == 404


@pytest.mark.parametrize("params,field", [
    ({"limit": "0"}, "limit"), ({"limit": "1001"}, "limit"), ({"type": "steal"}, "type"),
    ({"from": "yesterday"}, "from"), ({"to": "2026-13-45"}, "to"), ({"cursor": "garbage!"}, "cursor"),
    ({"item_id": "x"}, "item_id"), ({"location": "a//b"}, "location"), ({"actor": "erika"}, "actor"),
    ({"actor": "-1"}, "actor"), ({"from": "2026-12-05", "to": "2026-12-04"}, "to"),
    ({"from": "2026-12-04", "to": "2026-12-04"}, "to"),
])
def test_bad_list_parameters_are_422(shared_server, admin, params, field):
    r = shared_server.get(f"{API}/movements", admin, params=params)
    assert r.status_code == 422, r.text
    assert problem_fields(r) == [field]


# --- audit --------------------------------------------------------------------------------------

def audit_records(server, token):
    out, after = [], 0
    while True:
        page = server.get(f"{API}/audit", token, params={"after": after, "limit": 1000}).json()
        out += page["records"]
        if not page["records"]:
            return out
        after = page["records"][-1]["id"]


def test_movements_and_locations_are_audited_and_tampering_is_found(binary, tmp_path):
    data = tmp_path / "d"
    s = Server(binary, data).start()
    try:
        admin = s.login()
        it = create_item(s, admin, sku="AUDIT-1", quantity="10", location="AUD-SITE/AUD-BIN")
        issue = moved(s, admin, type="issue", item_id=it["id"], quantity="2.5", from_location="AUD-BIN",
                      reference="PO-1")
        trail = audit_records(s, admin)
    finally:
        s.stop()
    actions = [(r["action"], r["target"]) for r in trail]
    assert ("location.create", "location:AUD-SITE") in actions and ("location.create", "location:AUD-BIN") in actions
    assert ("item.create", f"item:{it['id']}") in actions
    assert ("movement.receive", f"movement:{issue['id'] - 1}") in actions
    record = next(r for r in trail if r["action"] == "movement.issue")
    assert record["target"] == f"movement:{issue['id']}" and record["actor_name"] == "admin"
    details = record["details"]
    assert (details["item_id"], details["quantity"], details["from_location"], details["reference"]) == (
        it["id"], "2.5", "AUD-SITE/AUD-BIN", "PO-1")
    assert [(line["location"], Decimal(line["change"]), Decimal(line["balance"])) for line in details["lines"]] == [
        ("AUD-SITE/AUD-BIN", Decimal("-2.5"), Decimal("7.5"))]
    bin_record = next(r for r in trail if r["target"] == "location:AUD-BIN")
    assert bin_record["details"]["before"] is None and bin_record["details"]["after"]["parent"] == "AUD-SITE"

    r = run_cli(binary, "audit", "verify", "--data-dir", data)
    assert r.returncode == 0 and f"intact: {len(trail)} records" in r.stdout, r.stdout + r.stderr
    r = run_cli(binary, "audit", "verify-stock", "--data-dir", data)
    assert r.returncode == 0, r.stdout + r.stderr

    db = sqlite3.connect(data / "stockroom.db")
    try:
        db.execute("UPDATE audit SET details = replace(details, '\"2.5\"', '\"0.5\"') WHERE id = ?", (record["id"],))
        db.commit()
    finally:
        db.close()
    r = run_cli(binary, "audit", "verify", "--data-dir", data)
    assert r.returncode == 1, r.stdout + r.stderr
    assert f"record {record['id']}" in r.stdout


def test_verify_stock_finds_a_balance_edited_behind_the_ledgers_back(binary, tmp_path):
    data = tmp_path / "d"
    s = Server(binary, data).start()
    try:
        admin = s.login()
        it = create_item(s, admin, sku="TAMPER-1", quantity="10", location="TAMPER-BIN")
        moved(s, admin, type="issue", item_id=it["id"], quantity="4", from_location="TAMPER-BIN")
    finally:
        s.stop()
    assert run_cli(binary, "audit", "verify-stock", "--data-dir", data).returncode == 0
    db = sqlite3.connect(data / "stockroom.db")
    try:
        assert db.execute("UPDATE balances SET units = units + 1 WHERE item_id = ?", (it["id"],)).rowcount == 1
        db.commit()
    finally:
        db.close()
    r = run_cli(binary, "audit", "verify-stock", "--data-dir", data)
    assert r.returncode == 1, r.stdout + r.stderr
    assert f"item {it['id']}" in r.stdout and "TAMPER-BIN" in r.stdout


# --- durability ---------------------------------------------------------------------------------

def test_every_acknowledged_movement_survives_sigkill(binary, tmp_path):
    data = tmp_path / "d"
    s = Server(binary, data).start()
    acknowledged = []  # (movement json) of every 201
    lock = threading.Lock()
    enough = threading.Event()
    try:
        admin = s.login()
        items = [create_item(s, admin, sku=f"KILL-{i}", quantity="1000", location="KILL-SITE/KILL-A")
                 for i in range(4)]
        shared = create_item(s, admin, sku="KILL-SHARED", quantity="1000", location="KILL-A")
        create_item(s, admin, sku="KILL-MARK", location="KILL-B")

        def worker(n):
            session = requests.Session()
            session.headers["Authorization"] = f"Bearer {admin}"
            mine = items[n]["id"]
            bodies = [
                {"type": "receive", "item_id": mine, "quantity": "3.25", "to_location": "KILL-A"},
                {"type": "transfer", "item_id": mine, "quantity": "2", "from_location": "KILL-A",
                 "to_location": "KILL-B"},
                {"type": "issue", "item_id": shared["id"], "quantity": "1.5", "from_location": "KILL-A"},
                {"type": "issue", "item_id": mine, "quantity": "0.75", "from_location": "KILL-B"},
                {"type": "count", "item_id": mine, "quantity": "5", "location": "KILL-C" if n % 2 else "KILL-B"},
            ]
            for j in range(50):
                try:
                    r = session.post(s.url + f"{API}/movements", json=bodies[j % len(bodies)], timeout=30)
                except requests.RequestException:
                    return  # the server is gone
                if r.status_code != 201:
                    return
                with lock:
                    acknowledged.append(r.json())
                    if len(acknowledged) >= 100:
                        enough.set()

        create_item(s, admin, sku="KILL-C-HOLDER", location="KILL-C")
        threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
        for t in threads:
            t.start()
        assert enough.wait(60), "the burst did not get going"
        s.proc.kill()  # SIGKILL, mid-burst
        s.proc.wait()
        for t in threads:
            t.join()
        with lock:
            acked = list(acknowledged)
        assert 100 <= len(acked) < 200, len(acked)

        s.start()
        admin = s.login()
        for m in acked:
            r = s.get(f"{API}/movements/{m['id']}", admin)
            assert r.status_code == 200, (m["id"], r.text)
            assert exact(r.json()) == exact(m)
        # Each item's balances are the sums of its ledger's changes, and its quantity their sum.
        for it in items + [shared]:
            ledger = defaultdict(Decimal)
            for m in all_movements(s, admin, f"{API}/items/{it['id']}/movements"):
                for line in m["balances"]:
                    ledger[(line["location"], line["lot"])] += Decimal(line["change"])
            expected = {k: v for k, v in ledger.items() if v != 0}
            assert balances(s, admin, it["id"]) == expected, it["sku"]
    finally:
        s.stop()
    r = run_cli(binary, "audit", "verify-stock", "--data-dir", data)
    assert r.returncode == 0, r.stdout + r.stderr
    assert run_cli(binary, "audit", "verify", "--data-dir", data).returncode == 0


@pytest.mark.parametrize("day", ["2026-02-30", "2026-04-31", "2026-02-29", "2026-02-30T10:00:00Z", "2026-13-01"])
def test_impossible_dates_are_refused(shared_server, admin, day):
    for path in ("/movements", "/export/movements.csv", "/reports/movements-summary"):
        r = shared_server.get(f"{API}{path}", admin, params={"from": day})
        assert r.status_code == 422, (path, r.text)
        assert [e["field"] for e in r.json()["errors"]] == ["from"]
    assert shared_server.get(f"{API}/movements", admin, params={"from": "2028-02-29"}).status_code == 200  # leap year
