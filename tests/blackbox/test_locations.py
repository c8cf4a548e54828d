"""The location tree over real HTTP: codes (Unicode, never '/', no outer whitespace), paths
from the top that must match the tree, moves that carry their subtree along, and deletes that
refuse while a location holds stock or has children."""
from decimal import Decimal
from urllib.parse import quote

import pytest

API = "/api/v1"
STAFF_PASSWORD = "locations-staff-pass-1"


@pytest.fixture(scope="module")
def admin(shared_server):
    return shared_server.login()


@pytest.fixture(scope="module")
def staff(shared_server, admin):
    r = shared_server.post(f"{API}/users", admin, json={"username": "tom", "password": STAFF_PASSWORD,
                                                         "role": "warehouse_staff"})
    assert r.status_code == 201, r.text
    return shared_server.login("tom", STAFF_PASSWORD)


def url(code):
    return f"{API}/locations/{quote(code, safe='')}"


def create(server, token, code, **body):
    r = server.post(f"{API}/locations", token, json={"code": code, **body})
    assert r.status_code == 201, r.text
    return r.json()


def get(server, token, code):
    r = server.get(url(code), token)
    assert r.status_code == 200, r.text
    return r.json()


def fields(r):
    assert r.headers["Content-Type"] == "application/problem+json", r.headers
    return [e["field"] for e in r.json()["errors"]]


def new_item(server, token, sku, **body):
    r = server.post(f"{API}/items", token, json={"sku": sku, "name": "Location test item", **body})
    return r


def listing(server, token, **params):
    out, cursor = [], None
    while True:
        query = dict(params, **({"cursor": cursor} if cursor else {}))
        r = server.get(f"{API}/locations", token, params=query)
        assert r.status_code == 200, r.text
        out += r.json()["locations"]
        cursor = r.json()["next_cursor"]
        if not cursor:
            return out


# --- create, read, update, delete ---------------------------------------------------------------

def test_create_read_update_delete(shared_server, admin):
    r = shared_server.post(f"{API}/locations", admin, json={"code": "CRUD-WH", "name": "Warehouse 1"})
    assert r.status_code == 201, r.text
    assert r.headers["Location"] == f"{API}/locations/CRUD-WH"
    assert r.headers["ETag"] == '"v1"'
    site = r.json()
    assert {k: site[k] for k in ("code", "name", "parent", "path", "version")} == {
        "code": "CRUD-WH", "name": "Warehouse 1", "parent": None, "path": "CRUD-WH", "version": 1}
    assert site["created_at"] == site["updated_at"] and site["created_at"].endswith("Z")

    aisle = create(shared_server, admin, "CRUD-A01", name="Aisle 1", parent="CRUD-WH")
    assert (aisle["parent"], aisle["path"]) == ("CRUD-WH", "CRUD-WH/CRUD-A01")
    # The parent may be named by its path too.
    bin_ = create(shared_server, admin, "CRUD-A01-02", parent="CRUD-WH/CRUD-A01")
    assert (bin_["parent"], bin_["path"]) == ("CRUD-A01", "CRUD-WH/CRUD-A01/CRUD-A01-02")
    assert bin_["name"] == "CRUD-A01-02"  # a location without a name is called by its code

    r = shared_server.get(url("CRUD-A01"), admin)
    assert r.status_code == 200 and r.headers["ETag"] == '"v1"'
    assert r.json() == aisle

    r = shared_server.patch(url("CRUD-A01"), admin, json={"name": "Aisle one"}, headers={"If-Match": '"v1"'})
    assert r.status_code == 200, r.text
    assert r.json()["name"] == "Aisle one" and r.json()["version"] == 2 and r.headers["ETag"] == '"v2"'
    assert r.json()["updated_at"] >= aisle["updated_at"] and r.json()["created_at"] == aisle["created_at"]
    r = shared_server.patch(url("CRUD-A01"), admin, json={"name": "stale"}, headers={"If-Match": '"v1"'})
    assert r.status_code == 412
    assert get(shared_server, admin, "CRUD-A01")["name"] == "Aisle one"
    r = shared_server.patch(url("CRUD-A01"), admin, json={"name": "merge"},
                            headers={"Content-Type": "application/merge-patch+json"})
    assert r.status_code == 200 and r.json()["name"] == "merge"

    # Leaves go first.
    assert shared_server.delete(url("CRUD-A01-02"), admin).status_code == 204
    assert shared_server.get(url("CRUD-A01-02"), admin).status_code == 404
    assert shared_server.delete(url("CRUD-A01-02"), admin).status_code == 404
    assert shared_server.patch(url("CRUD-A01-02"), admin, json={"name": "gone"}).status_code == 404
    # Its code stays taken.
    r = shared_server.post(f"{API}/locations", admin, json={"code": "CRUD-A01-02"})
    assert r.status_code == 409, r.text
    assert shared_server.get(url("NO-SUCH-PLACE"), admin).status_code == 404


def test_a_taken_code_is_409(shared_server, admin):
    create(shared_server, admin, "TAKEN-1")
    r = shared_server.post(f"{API}/locations", admin, json={"code": "TAKEN-1", "name": "again"})
    assert r.status_code == 409
    assert get(shared_server, admin, "TAKEN-1")["name"] == "TAKEN-1"
    # Codes are unique in the whole tree, not per parent.
    create(shared_server, admin, "TAKEN-PARENT")
    r = shared_server.post(f"{API}/locations", admin, json={"code": "TAKEN-1", "parent": "TAKEN-PARENT"})
    assert r.status_code == 409
    assert get(shared_server, admin, "TAKEN-1")["parent"] is None


@pytest.mark.parametrize("body,field", [
    ({"code": "X-UNKNOWN-PARENT", "parent": "NO-SUCH-PARENT"}, "parent"),
    ({"code": "X-BAD-PARENT", "parent": "a//b"}, "parent"),
    ({"code": "X-BAD-NAME", "name": "n" * 201}, "name"),
    ({"code": "X-BAD-NAME2", "name": "bell\u0007"}, "name"),
    ({"code": "X-BAD-NAME3", "name": 5}, "name"),
    ({"code": "X-EXTRA", "colour": "red"}, "colour"),
    ({"code": "X-PATH-FIELD", "path": "a"}, "path"),
    ({"name": "no code"}, "code"),
    ({"code": None}, "code"),
    ({"code": 42}, "code"),
])
def test_bad_create_bodies_are_422_and_create_nothing(shared_server, admin, body, field):
    r = shared_server.post(f"{API}/locations", admin, json=body)
    assert r.status_code == 422, r.text
    assert field in fields(r)
    if isinstance(body.get("code"), str):
        assert shared_server.get(url(body["code"]), admin).status_code == 404


# --- codes --------------------------------------------------------------------------------------

@pytest.mark.parametrize("code", [
    "Schubladen Stahl", "Lager Süd", "Regal 3 · Fach 2", "倉庫-東", "Kühlraum ❄", "A", "x" * 64, "ü" * 64,
    "a.b_c-d (e) #1 & co", "50%", "?query", "a+b", "Ω",
])
def test_unicode_and_punctuation_codes_round_trip(shared_server, admin, code):
    r = shared_server.post(f"{API}/locations", admin, json={"code": code, "name": f"Name of {code}"})
    assert r.status_code == 201, r.text
    assert r.json()["code"] == code and r.json()["path"] == code
    got = get(shared_server, admin, code)
    assert (got["code"], got["name"], got["path"]) == (code, f"Name of {code}", code)
    assert code in [loc["code"] for loc in listing(shared_server, admin, parent="", limit=1000)]


@pytest.mark.parametrize("code", [
    "a/b", "/x", "x/", " x", "x ", "\tx", "x\n", "", "x" * 65, "ü" * 65, "\u00a0x", "x\u3000", "x\u2003",
    "bell\u0007", "c1\u0085", "del\u007f",
])
def test_bad_codes_are_422_naming_code(shared_server, admin, code):
    r = shared_server.post(f"{API}/locations", admin, json={"code": code})
    assert r.status_code == 422, (code, r.text)
    assert fields(r) == ["code"]
    stripped = code.strip()
    if stripped and "/" not in stripped and len(stripped) <= 64 and stripped.isprintable():
        assert shared_server.get(url(stripped), admin).status_code == 404


def test_unicode_locations_hold_stock(shared_server, admin):
    r = new_item(shared_server, admin, "UNI-LOC-1", quantity="3", location="Lager Nord/Schubladen Kupfer")
    assert r.status_code == 201, r.text
    assert r.json()["balances"] == [{"location": "Lager Nord/Schubladen Kupfer", "lot": "", "quantity": "3"}]
    assert get(shared_server, admin, "Schubladen Kupfer")["parent"] == "Lager Nord"
    r = shared_server.post(f"{API}/movements", admin, json={"type": "transfer", "item_id": r.json()["id"],
                                                           "quantity": "1", "from_location": "Schubladen Kupfer",
                                                           "to_location": "Lager Nord"})
    assert r.status_code == 201, r.text
    assert {(b["location"], Decimal(b["quantity"])) for b in r.json()["balances"]} == {
        ("Lager Nord/Schubladen Kupfer", Decimal(2)), ("Lager Nord", Decimal(1))}


# --- paths --------------------------------------------------------------------------------------

def test_an_items_location_path_creates_every_missing_level(shared_server, admin):
    r = new_item(shared_server, admin, "PATH-1", quantity="37.4904", location="Factory/Office Block/Room 101")
    assert r.status_code == 201, r.text
    assert r.json()["location"] == "Factory/Office Block/Room 101"
    assert get(shared_server, admin, "Factory")["parent"] is None
    office = get(shared_server, admin, "Office Block")
    assert (office["parent"], office["path"], office["name"]) == ("Factory", "Factory/Office Block", "Office Block")
    assert get(shared_server, admin, "Room 101")["path"] == "Factory/Office Block/Room 101"
    # An existing prefix is reused; only the new tail is created.
    r = new_item(shared_server, admin, "PATH-2", quantity="1", location="Factory/Office Block/Room 102")
    assert r.status_code == 201, r.text
    assert get(shared_server, admin, "Room 102")["parent"] == "Office Block"
    assert [loc["code"] for loc in listing(shared_server, admin, parent="Office Block")] == ["Room 101", "Room 102"]
    # The code alone names the same place.
    r = new_item(shared_server, admin, "PATH-3", quantity="1", location="Room 101")
    assert r.status_code == 201
    assert r.json()["balances"][0]["location"] == "Factory/Office Block/Room 101"


@pytest.mark.parametrize("location,segment", [
    ("Factory/Room 201", 2),                 # Room 201 is inside Office Block, not Factory
    ("Office Block/Room 201", 1),            # Office Block is not at the top
    ("Factory/Office Block/Room 201/Room 201x/Office Block", 5),  # Office Block cannot be below itself
    ("Elsewhere/Factory", 2),                # Factory is at the top, not inside the new Elsewhere
])
def test_a_path_that_contradicts_the_tree_is_422_naming_the_segment(shared_server, admin, location, segment):
    assert new_item(shared_server, admin, f"CONTRA-SETUP-{segment}",
                    location="Factory/Office Block/Room 201").status_code in (201, 409)
    before = {loc["code"] for loc in listing(shared_server, admin, limit=1000)}
    r = new_item(shared_server, admin, f"CONTRA-{segment}-{len(location)}", quantity="5", location=location)
    assert r.status_code == 422, r.text
    assert fields(r) == ["location"]
    bad = location.split("/")[segment - 1]
    assert f'segment {segment} ("{bad}")' in r.json()["errors"][0]["detail"], r.json()
    # Nothing was created: neither the item nor any level of its path.
    assert shared_server.get(f"{API}/items/by-sku/CONTRA-{segment}-{len(location)}", admin).status_code == 404
    assert {loc["code"] for loc in listing(shared_server, admin, limit=1000)} == before


def test_contradicting_parent_paths_are_422(shared_server, admin):
    create(shared_server, admin, "CP-SITE")
    create(shared_server, admin, "CP-HALL", parent="CP-SITE")
    create(shared_server, admin, "CP-OTHER")
    r = shared_server.post(f"{API}/locations", admin, json={"code": "CP-BIN", "parent": "CP-OTHER/CP-HALL"})
    assert r.status_code == 422 and fields(r) == ["parent"], r.text
    assert 'segment 2 ("CP-HALL")' in r.json()["errors"][0]["detail"]
    assert shared_server.get(url("CP-BIN"), admin).status_code == 404
    r = shared_server.patch(url("CP-OTHER"), admin, json={"parent": "CP-HALL/CP-SITE"})
    assert r.status_code == 422 and fields(r) == ["parent"], r.text
    assert get(shared_server, admin, "CP-OTHER")["parent"] is None


def test_paths_deeper_than_16_levels_are_refused(shared_server, admin):
    deep = "/".join(f"D{i}" for i in range(16))
    assert new_item(shared_server, admin, "DEEP-16", location=deep).status_code == 201
    assert get(shared_server, admin, "D15")["path"] == deep
    r = new_item(shared_server, admin, "DEEP-17", location=deep + "/D16")
    assert r.status_code == 422 and fields(r) == ["location"]
    assert shared_server.get(url("D16"), admin).status_code == 404


# --- moving a subtree ---------------------------------------------------------------------------

def test_moving_a_location_carries_its_subtree_and_stock(shared_server, admin, staff):
    r = new_item(shared_server, admin, "MOVE-1", quantity="4", location="MV-SITE/MV-HALL/MV-BIN")
    assert r.status_code == 201
    item_id = r.json()["id"]
    create(shared_server, admin, "MV-NEW-SITE")
    # Staff may move and rename locations.
    r = shared_server.patch(url("MV-HALL"), staff, json={"parent": "MV-NEW-SITE"})
    assert r.status_code == 200, r.text
    assert (r.json()["parent"], r.json()["path"]) == ("MV-NEW-SITE", "MV-NEW-SITE/MV-HALL")
    assert get(shared_server, admin, "MV-BIN")["path"] == "MV-NEW-SITE/MV-HALL/MV-BIN"
    got = shared_server.get(f"{API}/items/{item_id}", admin).json()
    assert got["balances"] == [{"location": "MV-NEW-SITE/MV-HALL/MV-BIN", "lot": "", "quantity": "4"}]
    # The old path no longer matches the tree; the new one does.
    r = shared_server.post(f"{API}/movements", admin, json={"type": "issue", "item_id": item_id, "quantity": "1",
                                                           "from_location": "MV-SITE/MV-HALL/MV-BIN"})
    assert r.status_code == 422 and fields(r) == ["from_location"]
    r = shared_server.post(f"{API}/movements", admin, json={"type": "issue", "item_id": item_id, "quantity": "1",
                                                           "from_location": "MV-NEW-SITE/MV-HALL/MV-BIN"})
    assert r.status_code == 201, r.text
    # The old site is empty now and can go.
    assert listing(shared_server, admin, parent="MV-SITE") == []
    assert shared_server.delete(url("MV-SITE"), admin).status_code == 204
    # null moves to the top.
    r = shared_server.patch(url("MV-BIN"), admin, json={"parent": None})
    assert r.status_code == 200 and (r.json()["parent"], r.json()["path"]) == (None, "MV-BIN")
    assert shared_server.get(f"{API}/items/{item_id}", admin).json()["balances"][0]["location"] == "MV-BIN"


def test_a_location_cannot_move_below_itself(shared_server, admin):
    create(shared_server, admin, "LOOP-A")
    create(shared_server, admin, "LOOP-B", parent="LOOP-A")
    create(shared_server, admin, "LOOP-C", parent="LOOP-B")
    for parent in ("LOOP-A", "LOOP-C", "LOOP-A/LOOP-B"):
        r = shared_server.patch(url("LOOP-A"), admin, json={"parent": parent})
        assert r.status_code == 422, (parent, r.text)
        assert fields(r) == ["parent"]
    assert get(shared_server, admin, "LOOP-A")["parent"] is None
    assert get(shared_server, admin, "LOOP-C")["path"] == "LOOP-A/LOOP-B/LOOP-C"
    assert get(shared_server, admin, "LOOP-A")["version"] == 1


@pytest.mark.parametrize("patch,field", [
    ({"code": "RENAMED"}, "code"), ({"name": None}, "name"), ({"parent": "NOPE-NOPE"}, "parent"),
    ({"path": "x"}, "path"), ({"version": 3}, "version"), ({"name": 7}, "name"),
])
def test_bad_patches_are_422(shared_server, admin, patch, field):
    create(shared_server, admin, f"BADPATCH-{field}-{len(str(patch))}")
    code = f"BADPATCH-{field}-{len(str(patch))}"
    r = shared_server.patch(url(code), admin, json=patch)
    assert r.status_code == 422, r.text
    assert field in fields(r)
    assert get(shared_server, admin, code)["version"] == 1


def test_a_patch_cannot_empty_a_name(shared_server, admin):
    """A location without a name is called by its code (on create); a name cannot be removed
    (null is 422). So an empty name in a patch must not leave the location nameless."""
    create(shared_server, admin, "EMPTY-NAME", name="Named")
    assert create(shared_server, admin, "EMPTY-NAME-2", name="")["name"] == "EMPTY-NAME-2"
    r = shared_server.patch(url("EMPTY-NAME"), admin, json={"name": ""})
    assert r.status_code in (200, 422), r.text
    assert get(shared_server, admin, "EMPTY-NAME")["name"] in ("Named", "EMPTY-NAME")


# --- delete -------------------------------------------------------------------------------------

def test_delete_refuses_while_the_location_holds_stock_or_has_children(shared_server, admin, staff):
    r = new_item(shared_server, admin, "DEL-LOC-1", quantity="2.5", location="DL-SITE/DL-BIN")
    item_id = r.json()["id"]
    r = shared_server.delete(url("DL-BIN"), admin)
    assert r.status_code == 409 and fields(r) == ["code"], r.text
    assert "holds stock (1 balance)" in r.json()["detail"]
    r = shared_server.delete(url("DL-SITE"), admin)
    assert r.status_code == 409 and fields(r) == ["code"], r.text
    assert "has 1 child location:" in r.json()["detail"]
    assert shared_server.delete(url("DL-BIN"), staff).status_code == 403
    assert get(shared_server, admin, "DL-BIN")["path"] == "DL-SITE/DL-BIN"

    # Stock of a lot counts too.
    moved = shared_server.post(f"{API}/movements", admin, json={"type": "transfer", "item_id": item_id,
                                                                "quantity": "2.5", "from_location": "DL-BIN",
                                                                "to_location": "DL-SITE"})
    assert moved.status_code == 201, moved.text
    r = shared_server.post(f"{API}/movements", admin, json={"type": "receive", "item_id": item_id, "quantity": "1",
                                                           "to_location": "DL-BIN", "lot": "L-7"})
    assert r.status_code == 201
    assert shared_server.delete(url("DL-BIN"), admin).status_code == 409
    r = shared_server.post(f"{API}/movements", admin, json={"type": "count", "item_id": item_id, "quantity": "0",
                                                           "location": "DL-BIN", "lot": "L-7"})
    assert r.status_code == 201
    # Empty now: the bin goes; the site still holds the stock moved there.
    assert shared_server.delete(url("DL-BIN"), admin).status_code == 204
    assert shared_server.delete(url("DL-SITE"), admin).status_code == 409
    assert shared_server.get(f"{API}/items/{item_id}", admin).json()["balances"] == [
        {"location": "DL-SITE", "lot": "", "quantity": "2.5"}]
    # History keeps naming the deleted bin; new movements cannot use it.
    got = shared_server.get(f"{API}/movements/{moved.json()['id']}", admin).json()
    assert got["from_location"] == "DL-SITE/DL-BIN"
    r = shared_server.post(f"{API}/movements", admin, json={"type": "receive", "item_id": item_id, "quantity": "1",
                                                           "to_location": "DL-BIN"})
    assert r.status_code == 422 and fields(r) == ["to_location"], r.text
    # A new item cannot resurrect it through its path either.
    r = new_item(shared_server, admin, "DEL-LOC-2", quantity="1", location="DL-SITE/DL-BIN")
    assert r.status_code in (409, 422), r.text
    assert shared_server.get(f"{API}/items/by-sku/DEL-LOC-2", admin).status_code == 404
    assert shared_server.get(url("DL-BIN"), admin).status_code == 404


def test_a_deleted_code_is_refused_naming_the_requests_field(shared_server, admin):
    """A deleted location's code stays taken; an item or import naming it is refused with an
    error that names the request's own field ("location"), not "code", which it does not have."""
    r = new_item(shared_server, admin, "DELCODE-1", quantity="1", location="DELCODE-SITE/DELCODE-BIN")
    assert r.status_code == 201, r.text
    assert shared_server.delete(url("DELCODE-SITE"), admin).status_code == 409
    assert shared_server.post(f"{API}/movements", admin, json={
        "type": "issue", "item_id": r.json()["id"], "quantity": "1", "from_location": "DELCODE-BIN"}).status_code == 201
    assert shared_server.delete(url("DELCODE-BIN"), admin).status_code == 204
    for location in ("DELCODE-SITE/DELCODE-BIN", "DELCODE-BIN"):
        r = new_item(shared_server, admin, "DELCODE-2", quantity="1", location=location)
        assert r.status_code in (409, 422), r.text
        assert fields(r) == ["location"], r.text
    assert shared_server.get(f"{API}/items/by-sku/DELCODE-2", admin).status_code == 404
    r = shared_server.post(f"{API}/import/stock", admin, data=b"sku,location,lot,quantity\nDELCODE-1,DELCODE-BIN,,1\n",
                           headers={"Content-Type": "text/csv"})
    assert r.status_code in (409, 422), r.text
    assert [(e["line"], e["field"]) for e in r.json()["errors"]] == [(2, "location")], r.text
    assert shared_server.get(f"{API}/items/by-sku/DELCODE-1", admin).json()["quantity"] == "0"


def test_staff_cannot_create_or_delete_locations(shared_server, admin, staff):
    create(shared_server, admin, "STAFF-VIEW")
    r = shared_server.post(f"{API}/locations", staff, json={"code": "STAFF-NEW"})
    assert r.status_code == 403 and "'create_locations'" in r.json()["detail"], r.text
    assert shared_server.get(url("STAFF-NEW"), admin).status_code == 404
    r = shared_server.delete(url("STAFF-VIEW"), staff)
    assert r.status_code == 403 and "'delete_locations'" in r.json()["detail"], r.text
    assert shared_server.get(url("STAFF-VIEW"), staff).status_code == 200
    assert shared_server.get(f"{API}/locations", staff).status_code == 200
    assert shared_server.get(f"{API}/locations").status_code == 401
    assert shared_server.post(f"{API}/locations", json={"code": "ANON"}).status_code == 401


def test_the_receiving_location_cannot_be_deleted(shared_server, admin):
    """Opening stock without a location goes to RECEIVING, and a deleted code stays reserved:
    deleting it would make every such receipt fail."""
    r = new_item(shared_server, admin, "RECV-DEL-1", quantity="1")
    assert r.status_code == 201, r.text
    assert shared_server.delete(f"{API}/items/{r.json()['id']}", admin).status_code == 204
    r = shared_server.delete(url("RECEIVING"), admin)
    assert r.status_code == 409 and fields(r) == ["code"], r.text
    assert "--receiving-location" in r.json()["detail"]
    assert get(shared_server, admin, "RECEIVING")["code"] == "RECEIVING"
    assert new_item(shared_server, admin, "RECV-DEL-2", quantity="2").status_code == 201


def test_a_receiving_location_not_yet_created_is_404_to_delete(server):
    admin = server.login()
    assert server.delete(url("RECEIVING"), admin).status_code == 404


@pytest.mark.parametrize("code", [".", ".."])
def test_dot_codes_are_refused(shared_server, admin, code):
    r = shared_server.post(f"{API}/locations", admin, json={"code": code})
    assert r.status_code == 422 and fields(r) == ["code"], r.text
    r = new_item(shared_server, admin, "DOT-" + str(len(code)), quantity="1", location=f"DOT-SITE/{code}")
    assert r.status_code == 422 and fields(r) == ["location"], r.text


@pytest.mark.parametrize("code", ["Bin #3?x", "Regal Stahl 2", "Fächer 7", "Hdr 50%"])
def test_the_location_header_is_a_url_that_leads_back(shared_server, admin, code):
    r = shared_server.post(f"{API}/locations", admin, json={"code": code})
    assert r.status_code == 201, r.text
    header = r.headers["Location"]
    assert header == url(code) and header.isascii(), header
    assert shared_server.get(header, admin).json()["code"] == code


# --- listing ------------------------------------------------------------------------------------

def test_list_by_parent_with_cursor_pagination(shared_server, admin):
    create(shared_server, admin, "PG-ROOT")
    codes = [f"PG-{i:02}" for i in range(23)]
    for code in codes:
        create(shared_server, admin, code, parent="PG-ROOT")
    create(shared_server, admin, "PG-GRANDCHILD", parent="PG-05")
    seen, cursor, pages = [], None, 0
    while True:
        params = {"parent": "PG-ROOT", "limit": 5, **({"cursor": cursor} if cursor else {})}
        page = shared_server.get(f"{API}/locations", admin, params=params).json()
        assert len(page["locations"]) <= 5
        assert all(loc["parent"] == "PG-ROOT" for loc in page["locations"])
        seen += [loc["code"] for loc in page["locations"]]
        pages += 1
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == codes and pages in (5, 6)
    # parent by path; empty parent is the top level
    assert [loc["code"] for loc in listing(shared_server, admin, parent="PG-ROOT/PG-05")] == ["PG-GRANDCHILD"]
    top = listing(shared_server, admin, parent="", limit=3)
    assert "PG-ROOT" in [loc["code"] for loc in top] and all(loc["parent"] is None for loc in top)
    assert "PG-00" not in [loc["code"] for loc in top]
    # Without parent: every location once.
    everything = [loc["code"] for loc in listing(shared_server, admin, limit=7)]
    assert len(everything) == len(set(everything)) and set(codes) | {"PG-ROOT", "PG-GRANDCHILD"} <= set(everything)
    # The default page is 100.
    page = shared_server.get(f"{API}/locations", admin).json()
    assert len(page["locations"]) == min(100, len(everything))


@pytest.mark.parametrize("params,field", [
    ({"limit": "0"}, "limit"), ({"limit": "1001"}, "limit"), ({"limit": "x"}, "limit"),
    ({"cursor": "garbage!"}, "cursor"), ({"parent": "a//b"}, "parent"),
])
def test_bad_list_parameters_are_422(shared_server, admin, params, field):
    r = shared_server.get(f"{API}/locations", admin, params=params)
    assert r.status_code == 422, r.text
    assert fields(r) == [field]


def test_locations_are_audited(shared_server, admin):
    create(shared_server, admin, "AUD-LOC", name="Audited")
    shared_server.patch(url("AUD-LOC"), admin, json={"name": "Audited twice"})
    shared_server.delete(url("AUD-LOC"), admin)
    records, after = [], 0
    while True:
        page = shared_server.get(f"{API}/audit", admin, params={"after": after, "limit": 1000}).json()
        if not page["records"]:
            break
        records += page["records"]
        after = page["records"][-1]["id"]
    mine = [r for r in records if r["target"] == "location:AUD-LOC"]
    assert [r["action"] for r in mine] == ["location.create", "location.update", "location.delete"]
    assert mine[0]["details"]["before"] is None and mine[0]["details"]["after"]["name"] == "Audited"
    assert mine[1]["details"]["before"]["name"] == "Audited" and mine[1]["details"]["after"]["name"] == "Audited twice"
