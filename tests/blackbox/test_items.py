"""The main scenario over real HTTP: an admin loads real item lists, a warehouse user works
with them within their role, and bad input is refused without writing anything."""
import csv
from decimal import Decimal
import signal
import threading

import pytest
import requests

from conftest import SHARED, Server

API = "/api/v1"
FIELDS = ["sku", "name", "description", "category", "kind", "unit", "quantity", "reorder_point", "location"]
STAFF_PASSWORD = "staff-password-1234"


def read_csv(name):
    with open(SHARED / "data" / name, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def create_staff(server, admin, username="erika"):
    r = server.post(f"{API}/users", admin, json={"username": username, "password": STAFF_PASSWORD,
                                                  "role": "warehouse_staff"})
    assert r.status_code == 201, r.text
    return server.login(username, STAFF_PASSWORD)


def item_body(sku="TEST-1", **over):
    body = {"sku": sku, "name": "Hex nut M3", "description": "", "category": "Fasteners", "kind": "component",
            "unit": "pcs", "quantity": "10", "reorder_point": "5", "location": "WH1-A01-02"}
    body.update(over)
    return body


def count_items(server, token):
    total, cursor = 0, None
    while True:
        params = {"limit": 500}
        if cursor:
            params["cursor"] = cursor
        page = server.get(f"{API}/items", token, params=params).json()
        total += len(page["items"])
        cursor = page["next_cursor"]
        if not cursor:
            return total


@pytest.fixture(scope="module")
def loaded(shared_server):
    """The shared server with every row of the sample and the real item lists loaded."""
    admin = shared_server.login()
    rows = read_csv("items-sample.csv") + read_csv("items-real.csv")
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {admin}"
    ids = {}
    for row in rows:
        r = session.post(shared_server.url + f"{API}/items", json={k: row[k] for k in FIELDS}, timeout=30)
        assert r.status_code == 201, (row["sku"], r.text)
        assert r.headers["Location"] == f"{API}/items/{r.json()['id']}"
        ids[row["sku"]] = r.json()["id"]
    return {"admin": admin, "rows": rows, "ids": ids}


def test_every_loaded_item_reads_back_identically(shared_server, loaded):
    assert len(loaded["rows"]) == 158 + 938
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {loaded['admin']}"
    for row in loaded["rows"]:
        r = session.get(shared_server.url + f"{API}/items/{loaded['ids'][row['sku']]}", timeout=30)
        assert r.status_code == 200
        item = r.json()
        assert {k: item[k] for k in FIELDS} == {k: row[k] for k in FIELDS}, row["sku"]
        assert r.headers["ETag"] == f'"v{item["version"]}"'


def test_lookup_by_sku(shared_server, loaded):
    r = shared_server.get(f"{API}/items/by-sku/002.01-PCB", loaded["admin"])
    assert r.status_code == 200
    assert r.json()["id"] == loaded["ids"]["002.01-PCB"]
    assert shared_server.get(f"{API}/items/by-sku/NO-SUCH", loaded["admin"]).status_code == 404


def test_cursor_pagination_visits_every_item_once(shared_server, loaded):
    seen, cursor = [], None
    while True:
        params = {"limit": 100, **({"cursor": cursor} if cursor else {})}
        page = shared_server.get(f"{API}/items", loaded["admin"], params=params).json()
        seen += [i["id"] for i in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert len(seen) == len(set(seen)) >= len(loaded["rows"])
    assert set(loaded["ids"].values()) <= set(seen)


def test_default_page_is_50(shared_server, loaded):
    page = shared_server.get(f"{API}/items", loaded["admin"]).json()
    assert len(page["items"]) == 50 and page["next_cursor"]


def test_filters(shared_server, loaded):
    admin = loaded["admin"]
    rows = loaded["rows"]
    # category: exact match
    r = shared_server.get(f"{API}/items", admin, params={"category": "Electronics/Passives/Resistors", "limit": 500})
    expected = {x["sku"] for x in rows if x["category"] == "Electronics/Passives/Resistors"}
    assert {i["sku"] for i in r.json()["items"]} == expected and expected
    # kind
    r = shared_server.get(f"{API}/items", admin, params={"kind": "finished_good", "limit": 500})
    assert {i["sku"] for i in r.json()["items"]} == {x["sku"] for x in rows if x["kind"] == "finished_good"}
    # q: substring of sku or name; '%' is literal
    r = shared_server.get(f"{API}/items", admin, params={"q": "1%", "limit": 500})
    got = {i["sku"] for i in r.json()["items"]}
    assert got == {x["sku"] for x in rows if "1%" in x["name"].lower() or "1%" in x["sku"].lower()} and got
    # below_reorder: quantity < reorder_point, compared as exact decimals
    from decimal import Decimal
    r = shared_server.get(f"{API}/items", admin, params={"below_reorder": "true", "limit": 500})
    got = set()
    page = r.json()
    while True:
        got |= {i["sku"] for i in page["items"]}
        if not page["next_cursor"]:
            break
        page = shared_server.get(f"{API}/items", admin, params={"below_reorder": "true", "limit": 500,
                                                                  "cursor": page["next_cursor"]}).json()
    assert got == {x["sku"] for x in rows if Decimal(x["quantity"]) < Decimal(x["reorder_point"])}


@pytest.mark.parametrize("params,field", [
    ({"limit": "0"}, "limit"), ({"limit": "501"}, "limit"), ({"limit": "ten"}, "limit"),
    ({"kind": "gadget"}, "kind"), ({"below_reorder": "maybe"}, "below_reorder"),
    ({"cursor": "garbage!"}, "cursor"), ({"q": "\x00"}, "q"), ({"q": "a\x1fb"}, "q"),
])
def test_bad_list_parameters_are_422(shared_server, params, field):
    r = shared_server.get(f"{API}/items", shared_server.login(), params=params)
    assert r.status_code == 422
    assert [e["field"] for e in r.json()["errors"]] == [field]


def test_staff_lists_searches_updates_but_cannot_create_or_delete(shared_server, loaded):
    staff = create_staff(shared_server, loaded["admin"])
    page = shared_server.get(f"{API}/items", staff, params={"q": "M3", "limit": 5})
    assert page.status_code == 200 and page.json()["items"]
    item_id = loaded["ids"]["FST-ISO4017-M3x10-A2"]
    current = shared_server.get(f"{API}/items/{item_id}", staff)
    r = shared_server.patch(f"{API}/items/{item_id}", staff, json={"reorder_point": "54.5"},
                            headers={"If-Match": current.headers["ETag"],
                                     "Content-Type": "application/merge-patch+json"})
    assert r.status_code == 200, r.text
    assert r.json()["reorder_point"] == "54.5"
    assert r.json()["version"] == current.json()["version"] + 1
    assert r.headers["ETag"] == f'"v{r.json()["version"]}"'
    assert shared_server.get(f"{API}/items/{item_id}", staff).json()["reorder_point"] == "54.5"
    # Stock changes only through movements, which staff may record.
    r = shared_server.patch(f"{API}/items/{item_id}", staff, json={"quantity": "54.5"})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "quantity"
    assert "movements" in r.json()["errors"][0]["detail"]
    r = shared_server.post(f"{API}/movements", staff, json={"type": "issue", "item_id": item_id, "quantity": "0.5",
                                                           "from_location": current.json()["location"]})
    assert r.status_code == 201, r.text
    after = shared_server.get(f"{API}/items/{item_id}", staff).json()
    assert Decimal(after["quantity"]) == Decimal(current.json()["quantity"]) - Decimal("0.5")

    r = shared_server.post(f"{API}/items", staff, json=item_body("STAFF-MADE"))
    assert r.status_code == 403
    assert r.headers["Content-Type"] == "application/problem+json"
    assert shared_server.get(f"{API}/items/by-sku/STAFF-MADE", staff).status_code == 404
    assert shared_server.delete(f"{API}/items/{item_id}", staff).status_code == 403
    assert shared_server.get(f"{API}/items/{item_id}", staff).status_code == 200
    assert shared_server.get(f"{API}/users", staff).status_code == 403
    r = shared_server.post(f"{API}/users", staff, json={"username": "mallory", "password": "x" * 20, "role": "admin"})
    assert r.status_code == 403


def test_admin_deletes(shared_server):
    admin = shared_server.login()
    r = shared_server.post(f"{API}/items", admin, json=item_body("TO-DELETE"))
    item_id = r.json()["id"]
    assert shared_server.delete(f"{API}/items/{item_id}", admin).status_code == 204
    assert shared_server.get(f"{API}/items/{item_id}", admin).status_code == 404
    assert shared_server.delete(f"{API}/items/{item_id}", admin).status_code == 404


def test_duplicate_sku_is_409(shared_server):
    admin = shared_server.login()
    assert shared_server.post(f"{API}/items", admin, json=item_body("DUP-1")).status_code == 201
    r = shared_server.post(f"{API}/items", admin, json=item_body("DUP-1", name="other"))
    assert r.status_code == 409
    assert r.json()["errors"][0]["field"] == "sku"


def test_a_sku_renamed_away_is_not_free_for_another_item(shared_server):
    admin = shared_server.login()
    item = shared_server.post(f"{API}/items", admin, json=item_body("RENAMED-OLD")).json()
    r = shared_server.patch(f"{API}/items/{item['id']}", admin, json={"sku": "RENAMED-NEW"})
    assert r.status_code == 200
    r = shared_server.post(f"{API}/items", admin, json=item_body("RENAMED-OLD"))
    assert r.status_code == 409 and r.json()["errors"][0]["field"] == "sku"
    assert shared_server.get(f"{API}/items/by-sku/RENAMED-OLD", admin).status_code == 404
    # Its own item may take it back.
    assert shared_server.patch(f"{API}/items/{item['id']}", admin, json={"sku": "RENAMED-OLD"}).status_code == 200


BAD_BODIES = [
    ({"surprise": 1}, "surprise"),
    ({"quantity": 12.5}, "quantity"),
    ({"quantity": "-1"}, "quantity"),
    ({"quantity": "1e3"}, "quantity"),
    ({"quantity": " 1"}, "quantity"),
    ({"quantity": "1.1234567"}, "quantity"),
    ({"quantity": "007"}, "quantity"),
    ({"quantity": "0" * 100000}, "quantity"),
    ({"name": "tab\there"}, "name"),
    ({"name": "next\u0085line"}, "name"),
    ({"unit": "m\u009f"}, "unit"),
    ({"description": "bell\u0007"}, "description"),
    ({"reorder_point": "abc"}, "reorder_point"),
    ({"name": ""}, "name"),
    ({"name": "x" * 201}, "name"),
    ({"name": 7}, "name"),
    ({"sku": "has space"}, "sku"),
    ({"sku": "S" * 65}, "sku"),
    ({"kind": "gadget"}, "kind"),
    ({"location": "L" * 201}, "location"),
    ({"description": "d" * 4001}, "description"),
    ({"id": 5}, "id"),
    ({"version": 3}, "version"),
]


@pytest.mark.parametrize("over,field", BAD_BODIES)
def test_bad_create_bodies_are_422_naming_the_field_and_write_nothing(shared_server, over, field):
    admin = shared_server.login()
    body = item_body("BAD-CREATE")
    body.update(over)
    r = shared_server.post(f"{API}/items", admin, json=body)
    assert r.status_code == 422, r.text
    problem = r.json()
    assert r.headers["Content-Type"] == "application/problem+json"
    assert field in [e["field"] for e in problem["errors"]]
    assert shared_server.get(f"{API}/items/by-sku/BAD-CREATE", admin).status_code == 404


def test_required_fields(shared_server):
    r = shared_server.post(f"{API}/items", shared_server.login(), json={"description": "nothing else"})
    assert r.status_code == 422
    assert {"sku", "name"} <= {e["field"] for e in r.json()["errors"]}


def test_unicode_and_multiline_text_round_trips(shared_server):
    admin = shared_server.login()
    body = item_body("UNI-1", name="Schraube M3×10 „Edelstahl“ 🔩", description="Zeile 1\nZeile 2, \"zitiert\"",
                     category="Bauteile → Widerstände", location="Schubladen Stahl")
    r = shared_server.post(f"{API}/items", admin, json=body)
    assert r.status_code == 201
    got = shared_server.get(r.headers["Location"], admin).json()
    assert {k: got[k] for k in body} == body


@pytest.mark.parametrize("data,ctype,status", [
    ("{not json", "application/json", 400),
    ("", "application/json", 400),
    ("[1,2]", "application/json", 400),
    ('{"sku": "X", "name": "Y"', "application/json", 400),
    ('{"sku": "X", "name": "Y"}', "text/plain", 415),
    ('{"sku": "X", "name": "Y"}', None, 415),
    ("[" * 100 + "]" * 100, "application/json", 400),
    ('{"sku": "TWICE-1", "sku": "TWICE-2", "name": "Y"}', "application/json", 400),
    ('{"sku": "TWICE-3", "name": "Y", "n\\u0061me": "Z"}', "application/json", 400),
])
def test_malformed_bodies(shared_server, data, ctype, status):
    headers = {"Content-Type": ctype} if ctype else {}
    r = shared_server.post(f"{API}/items", shared_server.login(), data=data.encode(), headers=headers)
    assert r.status_code == status, r.text
    assert r.headers["Content-Type"] == "application/problem+json"


def test_no_duplicate_key_body_wrote_anything(shared_server):
    admin = shared_server.login()
    for sku in ("TWICE-1", "TWICE-2", "TWICE-3"):
        assert shared_server.get(f"{API}/items/by-sku/{sku}", admin).status_code == 404


def test_many_unknown_fields_get_a_bounded_answer(shared_server):
    body = "{" + ",".join(f'"k{i}":1' for i in range(50000)) + "}"
    r = shared_server.post(f"{API}/items", shared_server.login(), data=body.encode(),
                           headers={"Content-Type": "application/json"})
    assert r.status_code == 422
    assert len(r.content) < 10000
    assert len(r.json()["errors"]) == 20
    assert "more" in r.json()["detail"]


def test_body_over_1_mib_is_413(shared_server):
    admin = shared_server.login()
    body = b'{"sku":"BIG","name":"' + b"x" * (1024 * 1024 + 10) + b'"}'
    r = shared_server.post(f"{API}/items", admin, data=body, headers={"Content-Type": "application/json"})
    assert r.status_code == 413
    assert shared_server.get(f"{API}/items/by-sku/BIG", admin).status_code == 404


def test_patch_rules(shared_server):
    admin = shared_server.login()
    item = shared_server.post(f"{API}/items", admin, json=item_body("PATCH-1", description="keep me")).json()
    url = f"{API}/items/{item['id']}"
    # read-only fields are 422 naming them
    r = shared_server.patch(url, admin, json={"id": 9, "version": 7, "created_at": "x", "updated_at": "y"})
    assert r.status_code == 422
    assert {e["field"] for e in r.json()["errors"]} == {"id", "version", "created_at", "updated_at"}
    # merge patch: null clears optional text, leaves the rest alone
    r = shared_server.patch(url, admin, json={"description": None, "reorder_point": "7.25"},
                            headers={"Content-Type": "application/merge-patch+json"})
    assert r.status_code == 200
    got = r.json()
    assert got["description"] == "" and got["reorder_point"] == "7.25" and got["name"] == "Hex nut M3"
    # required fields cannot be removed
    r = shared_server.patch(url, admin, json={"name": None})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "name"
    # stale If-Match is 412 and writes nothing
    r = shared_server.patch(url, admin, json={"name": "stale"}, headers={"If-Match": '"v1"'})
    assert r.status_code == 412
    assert shared_server.get(url, admin).json()["name"] == "Hex nut M3"
    # wrong content type
    r = shared_server.patch(url, admin, data=b'{"name":"x"}', headers={"Content-Type": "text/plain"})
    assert r.status_code == 415
    # unknown item
    assert shared_server.patch(f"{API}/items/999999", admin, json={"name": "x"}).status_code == 404


def test_concurrent_patches_with_the_same_if_match_have_exactly_one_winner(shared_server):
    admin = shared_server.login()
    for attempt in range(5):
        item = shared_server.post(f"{API}/items", admin, json=item_body(f"RACE-{attempt}")).json()
        url = shared_server.url + f"{API}/items/{item['id']}"
        barrier = threading.Barrier(2)
        statuses = []

        def writer(name):
            s = requests.Session()
            s.headers.update({"Authorization": f"Bearer {admin}", "If-Match": '"v1"'})
            barrier.wait()
            statuses.append(s.patch(url, json={"name": name}, timeout=30).status_code)

        threads = [threading.Thread(target=writer, args=(f"writer-{i}",)) for i in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(statuses) == [200, 412], statuses
        final = shared_server.get(f"{API}/items/{item['id']}", admin).json()
        assert final["version"] == 2


def test_acknowledged_item_survives_sigkill(binary, tmp_path):
    s = Server(binary, tmp_path / "d").start()
    try:
        admin = s.login()
        r = s.post(f"{API}/items", admin, json=item_body("DURABLE-1", quantity="37.4904"))
        assert r.status_code == 201
        s.stop(signal.SIGKILL)
        s.start()
        got = s.get(f"{API}/items/by-sku/DURABLE-1", s.login())
        assert got.status_code == 200
        assert got.json()["quantity"] == "37.4904"
    finally:
        s.stop()


def test_sigterm_shuts_down_cleanly(binary, tmp_path):
    s = Server(binary, tmp_path / "d").start()
    admin = s.login()
    assert s.post(f"{API}/items", admin, json=item_body("CLEAN-1")).status_code == 201
    assert s.stop(signal.SIGTERM) == 0
    messages = [r.get("msg") for r in s.log_records()]
    assert "shutting down" in messages and "stopped" in messages
    s.start()
    try:
        assert s.get(f"{API}/items/by-sku/CLEAN-1", s.login()).status_code == 200
    finally:
        s.stop()
