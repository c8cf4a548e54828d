"""CSV in and out over real HTTP with the shared sample and real files: imports are all or
nothing and name every bad line, an export imports back to the same items and balances, stock
files post receipts or counts, and reports answer in CSV as well as JSON."""
from collections import defaultdict
import csv
from decimal import Decimal
import io

import pytest
import requests

from conftest import SHARED, Server, run_cli

API = "/api/v1"
CSV = {"Content-Type": "text/csv"}
ITEM_FIELDS = ["sku", "name", "description", "category", "kind", "unit", "reorder_point", "location"]


def data_file(name):
    return (SHARED / "data" / name).read_bytes()


def rows_of(text):
    if isinstance(text, bytes):
        text = text.decode("utf-8")
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"), newline="")))


def physical_lines(text):
    """{index of data record: its first physical line (1 = header)} of a CSV text."""
    reader = csv.reader(io.StringIO(text, newline=""))
    out, start = {}, 1
    for index, _ in enumerate(reader):
        if index > 0:
            out[index - 1] = start
        start = reader.line_num + 1
    return out


def write_csv(header, rows):
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(h, "") for h in header] if isinstance(row, dict) else row)
    return out.getvalue().encode("utf-8")


def session(server, token):
    s = requests.Session()
    s.headers["Authorization"] = f"Bearer {token}"
    return s


def list_items(server, token):
    s, out, cursor = session(server, token), [], None
    while True:
        params = {"limit": 500, **({"cursor": cursor} if cursor else {})}
        page = s.get(server.url + f"{API}/items", params=params, timeout=30).json()
        out += page["items"]
        cursor = page["next_cursor"]
        if not cursor:
            return out


def snapshot(server, token):
    """{sku: (every field of the item but ids and times, {(location, lot): Decimal})} of every item."""
    s, out = session(server, token), {}
    for listed in list_items(server, token):
        item = s.get(server.url + f"{API}/items/{listed['id']}", timeout=30).json()
        fields = {k: v for k, v in item.items()
                  if k not in ("id", "created_at", "updated_at", "version", "balances", "quantity")}
        stock = {(b["location"], b["lot"]): Decimal(b["quantity"]) for b in item["balances"]}
        assert len(stock) == len(item["balances"])
        assert Decimal(item["quantity"]) == sum(stock.values(), Decimal(0)), item["sku"]
        out[item["sku"]] = (fields, stock, Decimal(item["quantity"]))
    return out


def all_locations(server, token):
    out, cursor = [], None
    while True:
        params = {"limit": 1000, **({"cursor": cursor} if cursor else {})}
        page = server.get(f"{API}/locations", token, params=params).json()
        out += page["locations"]
        cursor = page["next_cursor"]
        if not cursor:
            return out


def all_movements(server, token, **params):
    out, cursor = [], None
    while True:
        query = dict(params, limit=1000, **({"cursor": cursor} if cursor else {}))
        page = server.get(f"{API}/movements", token, params=query).json()
        out += page["movements"]
        cursor = page["next_cursor"]
        if not cursor:
            return out


def import_items(server, token, body, **params):
    return server.post(f"{API}/import/items", token, data=body, headers=CSV, params=params)


def import_stock(server, token, body, **params):
    return server.post(f"{API}/import/stock", token, data=body, headers=CSV, params=params)


def assert_nothing_written(server, token):
    assert list_items(server, token) == []
    assert all_locations(server, token) == []
    assert all_movements(server, token) == []


def expected_locations(rows, column="location", receiving=True):
    """Every location code an import of these rows creates."""
    codes = set()
    for row in rows:
        if row[column]:
            codes |= set(row[column].split("/"))
        elif receiving and row.get("quantity") and Decimal(row["quantity"]) != 0:
            codes.add("RECEIVING")
    return codes


def verify_stock(binary, server):
    server.stop()
    r = run_cli(binary, "audit", "verify-stock", "--data-dir", server.data_dir)
    assert r.returncode == 0, r.stdout + r.stderr
    return r


# --- items: import, export, import again ------------------------------------------------------

def test_sample_imports_exports_and_reimports_identically(binary, tmp_path):
    source = data_file("items-sample.csv")
    rows = rows_of(source)
    assert len(rows) == 158
    first = Server(binary, tmp_path / "first").start()
    second = Server(binary, tmp_path / "second").start()
    try:
        admin = first.login()
        r = import_items(first, admin, source)
        assert r.status_code == 201, r.text
        assert r.json() == {"dry_run": False, "rows": 158, "items_created": 158, "movements": 158,
                            "locations_created": len(expected_locations(rows))}
        before = snapshot(first, admin)
        assert set(before) == {row["sku"] for row in rows}
        for row in rows:
            fields, stock, quantity = before[row["sku"]]
            assert {k: fields[k] for k in ITEM_FIELDS} == {k: row[k] for k in ITEM_FIELDS}, row["sku"]
            assert (fields["lot_tracked"], fields["precision"]) == (False, 6)
            assert stock == {(row["location"], ""): Decimal(row["quantity"])}, row["sku"]
            assert quantity == Decimal(row["quantity"])

        exported = first.get(f"{API}/export/items.csv", admin)
        assert exported.status_code == 200
        assert exported.headers["Content-Type"].startswith("text/csv")
        assert len(rows_of(exported.content)) == 158
        stock_export = first.get(f"{API}/export/stock.csv", admin).content

        admin2 = second.login()
        r = import_items(second, admin2, exported.content)
        assert r.status_code == 201, r.text
        assert (r.json()["items_created"], r.json()["movements"]) == (158, 158)
        assert snapshot(second, admin2) == before
        # And the second server's exports are the first's, byte for byte.
        assert second.get(f"{API}/export/items.csv", admin2).content == exported.content
        assert second.get(f"{API}/export/stock.csv", admin2).content == stock_export
    finally:
        first.stop()
        second.stop()


def test_export_without_stock_plus_stock_export_rebuilds_spread_balances(binary, tmp_path):
    """Stock in several locations and lots: the item export carries no quantity, the stock
    export carries every balance; importing both rebuilds the same state."""
    first = Server(binary, tmp_path / "first").start()
    second = Server(binary, tmp_path / "second").start()
    try:
        admin = first.login()
        assert import_items(first, admin, data_file("items-sample.csv")).status_code == 201
        assert first.post(f"{API}/locations", admin, json={"code": "Lager Süd"}).status_code == 201
        s = session(first, admin)
        spread = [i for i in list_items(first, admin) if Decimal(i["quantity"]) >= 1][:20]
        for n, item in enumerate(spread):
            r = s.post(first.url + f"{API}/movements", timeout=30, json={
                "type": "transfer", "item_id": item["id"], "quantity": "1", "from_location": item["location"],
                "to_location": "Lager Süd"})
            assert r.status_code == 201, r.text
            r = s.post(first.url + f"{API}/movements", timeout=30, json={
                "type": "receive", "item_id": item["id"], "quantity": "2.5", "to_location": item["location"],
                "lot": f"LOT-{n}"})
            assert r.status_code == 201, r.text
        before = snapshot(first, admin)
        assert len(spread) == 20 and sum(1 for _, stock, _ in before.values() if len(stock) >= 2) >= 20

        items_csv = first.get(f"{API}/export/items.csv", admin, params={"stock": "false"}).content
        assert all(row["quantity"] == "" for row in rows_of(items_csv))
        stock_csv = first.get(f"{API}/export/stock.csv", admin).content
        stock_rows = rows_of(stock_csv)
        assert list(stock_rows[0]) == ["sku", "location", "lot", "quantity"]
        assert len(stock_rows) == sum(len(stock) for _, stock, _ in before.values())

        admin2 = second.login()
        r = import_items(second, admin2, items_csv)
        assert r.status_code == 201 and r.json()["movements"] == 0, r.text
        r = import_stock(second, admin2, stock_csv)
        assert r.status_code == 201, r.text
        assert r.json()["movements"] == len(stock_rows)
        assert snapshot(second, admin2) == before
    finally:
        first.stop()
        second.stop()


def test_lot_tracked_items_and_precision_round_trip_through_export(binary, tmp_path):
    source = (b"sku,name,quantity,location,lot,lot_tracked,precision\n"
              b"RESIN-1,Epoxy resin,12.5,Lager S\xc3\xbcd,2026-11-A,true,1\n"
              b"PIN-1,Dowel pin,40,Lager S\xc3\xbcd/Fach 2,,false,0\n")
    first = Server(binary, tmp_path / "first").start()
    second = Server(binary, tmp_path / "second").start()
    third = Server(binary, tmp_path / "third").start()
    try:
        admin = first.login()
        r = import_items(first, admin, source)
        assert r.status_code == 201, r.text
        before = snapshot(first, admin)
        assert before["RESIN-1"][0]["lot_tracked"] is True and before["RESIN-1"][0]["precision"] == 1
        assert before["RESIN-1"][1] == {("Lager Süd", "2026-11-A"): Decimal("12.5")}
        assert before["PIN-1"][0]["precision"] == 0
        assert before["PIN-1"][1] == {("Lager Süd/Fach 2", ""): Decimal(40)}

        # Items without stock plus the stock export: the same items and balances.
        admin3 = third.login()
        r = import_items(third, admin3, first.get(f"{API}/export/items.csv", admin, params={"stock": "false"}).content)
        assert r.status_code == 201, r.text
        r = import_stock(third, admin3, first.get(f"{API}/export/stock.csv", admin).content)
        assert r.status_code == 201, r.text
        assert snapshot(third, admin3) == before

        # The default export (with quantities) imports back too: "imports back to the same items".
        exported = first.get(f"{API}/export/items.csv", admin).content
        admin2 = second.login()
        r = import_items(second, admin2, exported)
        assert r.status_code == 201, r.text
        after = snapshot(second, admin2)
        assert {sku: fields for sku, (fields, _, _) in after.items()} == \
            {sku: fields for sku, (fields, _, _) in before.items()}
        assert {sku: quantity for sku, (_, _, quantity) in after.items()} == \
            {sku: quantity for sku, (_, _, quantity) in before.items()}
    finally:
        first.stop()
        second.stop()
        third.stop()


def test_an_import_retried_with_its_idempotency_key_applies_once(server):
    admin = server.login()
    source = data_file("items-sample.csv")
    headers = dict(CSV, **{"Idempotency-Key": "sample-import-1"})
    first = server.post(f"{API}/import/items", admin, data=source, headers=headers)
    assert first.status_code == 201, first.text
    again = server.post(f"{API}/import/items", admin, data=source, headers=headers)
    assert again.status_code == 201 and again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert len(list_items(server, admin)) == 158
    assert len(all_movements(server, admin)) == 158
    # Without the key, the same file is refused: every sku exists.
    r = import_items(server, admin, source)
    assert r.status_code == 409, r.text
    assert r.json()["errors"][0]["line"] == 2 and r.json()["errors"][0]["field"] == "sku"
    assert len(list_items(server, admin)) == 158


# --- all or nothing -----------------------------------------------------------------------------

def test_one_bad_quantity_imports_nothing_and_names_its_line(server, tmp_path):
    rows = list(csv.reader(io.StringIO(data_file("items-sample.csv").decode("utf-8"), newline="")))
    header, records = rows[0], rows[1:]
    records[9][header.index("quantity")] = "12,5"  # the 10th data line: physical line 11
    path = tmp_path / "items-one-bad-row.csv"
    path.write_bytes(write_csv(header, records))
    assert b'"12,5"' in path.read_bytes()

    admin = server.login()
    r = import_items(server, admin, path.read_bytes())
    assert r.status_code == 422, r.text
    assert r.headers["Content-Type"] == "application/problem+json"
    problem = r.json()
    assert [(e["line"], e["field"]) for e in problem["errors"]] == [(11, "quantity")]
    assert "11" in problem["detail"]
    assert_nothing_written(server, admin)


def test_every_bad_line_of_a_real_file_is_named_by_its_physical_line(server):
    text = data_file("items-real.csv").decode("utf-8")
    records = list(csv.reader(io.StringIO(text, newline="")))
    header, data = records[0], records[1:]
    lines = physical_lines(text)
    # Rows after descriptions with embedded newlines: physical lines differ from record numbers.
    multiline = [i for i, row in enumerate(data) if "\n" in row[header.index("description")]]
    assert multiline
    late = [i for i in range(multiline[-1] + 1, len(data))][:3]
    assert len(late) == 3 and lines[late[0]] > late[0] + 2
    data[late[0]][header.index("kind")] = "gadget"
    data[late[1]][header.index("reorder_point")] = "-3"
    data[late[2]][header.index("sku")] = data[0][header.index("sku")]  # a sku twice
    bad = write_csv(header, data).decode("utf-8").replace("\r\n", "\n")  # LF line ends, newlines inside fields
    expected_lines = physical_lines(bad)

    admin = server.login()
    r = import_items(server, admin, bad.encode("utf-8"))
    assert r.status_code == 422, r.text
    got = [(e["line"], e["field"]) for e in r.json()["errors"]]
    assert got == [(expected_lines[late[0]], "kind"), (expected_lines[late[1]], "reorder_point"),
                   (expected_lines[late[2]], "sku")]
    assert_nothing_written(server, admin)


@pytest.mark.parametrize("body,line,field", [
    (b"", 1, ""),
    (b"name,kind\nx,component\n", 1, "sku"),
    (b"sku,name,colour\nA-1,x,red\n", 1, "colour"),
    (b"sku,name\nA-1,x\nA-2\n", 3, ""),
    (b'sku,name\nA-1,"unterminated\n', 2, ""),
    (b"sku,name,quantity,location\nA-1,x,5,Factory/Office Block\nA-2,y,1,Office Block/Room 1\n", 3, "location"),
    (b"sku,name,quantity,precision\nA-1,x,1.5,0\n", 2, "quantity"),
    (b"sku,name,quantity,lot_tracked\nA-1,x,5,true\n", 2, "lot"),
    (b"sku,name\nA-1,\xff\xfe\n", 2, ""),
])
def test_bad_item_files_are_422_and_import_nothing(server, body, line, field):
    admin = server.login()
    r = import_items(server, admin, body)
    assert r.status_code == 422, r.text
    errors = r.json()["errors"]
    assert (errors[0]["line"], errors[0]["field"]) == (line, field), errors
    assert_nothing_written(server, admin)


def test_a_bom_and_crlf_line_ends_are_read_as_plain_csv(server):
    sample = data_file("items-sample.csv")
    assert b"\r" not in sample
    admin = server.login()
    r = import_items(server, admin, b"\xef\xbb\xbf" + sample.replace(b"\n", b"\r\n"))
    assert r.status_code == 201, r.text
    rows = rows_of(sample)
    got = {i["sku"]: i for i in list_items(server, admin)}
    assert set(got) == {row["sku"] for row in rows}
    for row in rows:
        keys = ITEM_FIELDS + ["quantity"]
        assert {k: got[row["sku"]][k] for k in keys} == {k: row[k] for k in keys}


def test_import_needs_csv_and_an_admin(server):
    admin = server.login()
    server.post(f"{API}/users", admin, json={"username": "greta", "password": "csv-staff-password-1",
                                             "role": "warehouse_staff"})
    staff = server.login("greta", "csv-staff-password-1")
    sample = data_file("items-sample.csv")
    assert import_items(server, staff, sample).status_code == 403
    assert import_stock(server, staff, b"sku,location,lot,quantity\n").status_code == 403
    r = server.post(f"{API}/import/items", admin, data=sample, headers={"Content-Type": "text/plain"})
    assert r.status_code == 415
    r = server.post(f"{API}/import/items", admin, data=sample, headers={"Content-Type": "TEXT/CSV; charset=utf-8"},
                    params={"dry_run": "true"})
    assert r.status_code == 200, r.text  # media types are case-insensitive
    assert import_items(server, admin, sample, dry_run="perhaps").status_code == 422
    assert import_stock(server, admin, b"sku,location,lot,quantity\n", mode="steal").status_code == 422
    assert_nothing_written(server, admin)
    # Staff may read the exports and reports.
    assert server.get(f"{API}/export/items.csv", staff).status_code == 200
    assert server.get(f"{API}/reports/low-stock", staff).status_code == 200


def test_dry_run_checks_everything_and_writes_nothing(server):
    admin = server.login()
    source = data_file("items-real.csv")
    rows = rows_of(source)
    r = import_items(server, admin, source, dry_run="true")
    assert r.status_code == 200, r.text
    nonzero = sum(1 for row in rows if Decimal(row["quantity"]) != 0)
    summary = {"dry_run": True, "rows": 938, "items_created": 938, "movements": nonzero,
               "locations_created": len(expected_locations(rows))}
    assert r.json() == summary
    assert_nothing_written(server, admin)
    audit = server.get(f"{API}/audit", admin, params={"limit": 1000}).json()["records"]
    assert not [a for a in audit if a["action"].startswith(("item.", "location.", "movement."))]
    # A dry run finds the same problems as the real run.
    broken = source.replace(b",component,", b",gadget,", 1)
    assert import_items(server, admin, broken, dry_run="true").status_code == 422
    # The real run then does what the dry run said.
    r = import_items(server, admin, source)
    assert r.status_code == 201 and r.json() == dict(summary, dry_run=False)
    # A stock dry run changes no balance.
    before = snapshot(server, admin)
    moves = len(all_movements(server, admin))
    r = import_stock(server, admin, data_file("items-real-balances.csv"), dry_run="true")
    assert r.status_code == 200 and r.json()["dry_run"] is True and r.json()["movements"] == 1216
    assert snapshot(server, admin) == before
    assert len(all_movements(server, admin)) == moves
    assert server.get(f"{API}/locations/PCB%20Assembler", admin).status_code == 404


# --- the real files -----------------------------------------------------------------------------

def test_real_items_import_in_one_step(server, binary):
    admin = server.login()
    source = data_file("items-real.csv")
    rows = rows_of(source)
    r = import_items(server, admin, source)
    assert r.status_code == 201, r.text
    codes = expected_locations(rows)
    assert "RECEIVING" in codes
    assert r.json() == {"dry_run": False, "rows": 938, "items_created": 938,
                        "movements": sum(1 for row in rows if Decimal(row["quantity"]) != 0),
                        "locations_created": len(codes)}
    office = server.get(f"{API}/locations/Office%20Block", admin)
    assert office.status_code == 200
    assert (office.json()["parent"], office.json()["path"]) == ("Factory", "Factory/Office Block")
    room = server.get(f"{API}/locations/Room%20101", admin).json()
    assert (room["parent"], room["path"]) == ("Office Block", "Factory/Office Block/Room 101")
    assert server.get(f"{API}/locations/Schubladen%20Stahl", admin).json()["parent"] is None
    assert {loc["code"] for loc in all_locations(server, admin)} == codes

    got = snapshot(server, admin)
    assert len(got) == 938
    for row in rows:
        fields, stock, quantity = got[row["sku"]]
        assert {k: fields[k] for k in ITEM_FIELDS} == {k: row[k] for k in ITEM_FIELDS}, row["sku"]
        assert quantity == Decimal(row["quantity"]), row["sku"]
        expected = {(row["location"] or "RECEIVING", ""): Decimal(row["quantity"])} if Decimal(row["quantity"]) else {}
        assert stock == expected, row["sku"]
    verify_stock(binary, server)


@pytest.mark.parametrize("how", ["quantity column removed", "stock=false"])
def test_real_items_then_real_balances_as_receipts(server, binary, how):
    admin = server.login()
    if how == "stock=false":
        # The file as it is; its quantity and lot columns are ignored.
        r = import_items(server, admin, data_file("items-real.csv"), stock="false")
    else:
        text = data_file("items-real.csv").decode("utf-8")
        records = list(csv.reader(io.StringIO(text, newline="")))
        q = records[0].index("quantity")
        r = import_items(server, admin, write_csv([h for h in records[0] if h != "quantity"],
                                                  [row[:q] + row[q + 1:] for row in records[1:]]))
    assert r.status_code == 201, r.text
    assert (r.json()["items_created"], r.json()["movements"]) == (938, 0)
    assert all(i["quantity"] == "0" for i in list_items(server, admin))

    balances = data_file("items-real-balances.csv")
    rows = rows_of(balances)
    r = import_stock(server, admin, balances)
    assert r.status_code == 201, r.text
    assert (r.json()["rows"], r.json()["items_created"], r.json()["movements"]) == (1216, 0, 1216)

    expected = defaultdict(dict)
    for row in rows:
        key = (row["location"] or "RECEIVING", row["lot"])
        expected[row["sku"]][key] = expected[row["sku"]].get(key, Decimal(0)) + Decimal(row["quantity"])
    got = snapshot(server, admin)
    assert len(got) == 938
    for sku, (fields, stock, quantity) in got.items():
        # Paths in the file are full paths from the top, so balances read back the same.
        assert stock == expected.get(sku, {}), sku
        assert quantity == sum(expected.get(sku, {}).values(), Decimal(0))
    several = [sku for sku, stock in expected.items() if len(stock) > 1]
    assert len(several) >= 75
    receipts = all_movements(server, admin, type="receive")
    assert len(receipts) == 1216
    verify_stock(binary, server)


def test_the_cli_imports_real_items_without_stock_then_their_balances(binary, tmp_path):
    s = Server(binary, tmp_path / "data").start()
    s.stop()
    items, balances = SHARED / "data" / "items-real.csv", SHARED / "data" / "items-real-balances.csv"
    r = run_cli(binary, "import", "items", items, "--without-stock", "--data-dir", s.data_dir)
    assert r.returncode == 0, r.stderr
    assert "938 rows: 938 items created, 0 movements" in r.stdout, r.stdout
    r = run_cli(binary, "import", "stock", balances, "--data-dir", s.data_dir)
    assert r.returncode == 0, r.stderr
    assert "1216 rows: 0 items created, 1216 movements" in r.stdout
    r = run_cli(binary, "audit", "verify-stock", "--data-dir", s.data_dir)
    assert r.returncode == 0, r.stdout + r.stderr
    expected = defaultdict(Decimal)
    for row in rows_of(balances.read_bytes()):
        expected[row["sku"]] += Decimal(row["quantity"])
    s.start()
    try:
        got = {i["sku"]: Decimal(i["quantity"]) for i in list_items(s, s.login())}
        assert len(got) == 938
        assert got == {sku: expected.get(sku, Decimal(0)) for sku in got}
    finally:
        s.stop()


def test_the_cli_imports_and_exports_what_the_api_does(binary, tmp_path):
    s = Server(binary, tmp_path / "data").start()
    s.stop()
    cli = lambda *args: run_cli(binary, *args, "--data-dir", s.data_dir)  # noqa: E731
    sample = SHARED / "data" / "items-sample.csv"
    r = cli("import", "items", sample, "--dry-run")
    assert r.returncode == 0 and r.stdout.startswith("dry run, nothing written: 158 rows: 158 items created"), r
    r = cli("export", "items")
    assert r.returncode == 0 and len(rows_of(r.stdout)) == 0, r  # the dry run wrote nothing
    r = cli("import", "items", sample)
    assert r.returncode == 0 and r.stdout.startswith("imported 158 rows: 158 items created"), r
    first = rows_of(sample.read_bytes())[0]
    counted = tmp_path / "counted.csv"
    counted.write_bytes(write_csv(["sku", "location", "lot", "quantity"],
                                  [{"sku": first["sku"], "location": first["location"], "quantity": "1.5"}]))
    r = cli("import", "stock", counted, "--mode", "count")
    assert r.returncode == 0 and "1 rows: 0 items created, 1 movements" in r.stdout, r
    files = {name: tmp_path / f"{name}.csv" for name in ("items", "stock", "movements")}
    for name, path in files.items():
        r = cli("export", name, "-o", path)
        assert r.returncode == 0, r.stderr
    r = cli("export", "movements", "--from", "2999-01-01")
    assert r.returncode == 0 and r.stdout.splitlines()[0].startswith("id,at,type,") and len(r.stdout.splitlines()) == 1
    r = cli("export", "movements", "--from", "yesterday")
    assert r.returncode == 2, r
    r = cli("export", "movements", "--from", "2026-12-05", "--to", "2026-12-04")
    assert r.returncode == 2 and "--to must be after --from" in r.stderr, r
    s.start()
    try:
        admin = s.login()
        for name, path in files.items():
            r = s.get(f"{API}/export/{name}.csv", admin)
            assert r.status_code == 200 and r.content == path.read_bytes(), name
        items = rows_of(files["items"].read_bytes())
        assert len(items) == 158
        assert next(i for i in items if i["sku"] == first["sku"])["quantity"] == "1.5"
        counts = [m for m in rows_of(files["movements"].read_bytes()) if m["type"] == "count"]
        assert [(c["sku"], Decimal(c["difference"])) for c in counts] == [
            (first["sku"], Decimal("1.5") - Decimal(first["quantity"]))]
    finally:
        s.stop()


def test_every_row_the_store_refuses_is_named_and_nothing_is_imported(server, binary):
    admin = server.login()
    r = import_items(server, admin, b"sku,name,quantity,location\nA-1,x,1,WH1\nB-1,y,1,WH1\n")
    assert r.status_code == 201, r.text
    before = snapshot(server, admin)
    # Rows that only the stored data can refuse: taken skus, a path that contradicts the tree.
    body = (b"sku,name,quantity,location\nOK-1,x,1,WH1\nA-1,taken,1,WH1\nOK-2,y,1,Factory/WH1\n"
            b"OK-3,z,1,NEW-BIN\nB-1,taken,1,\n")
    r = import_items(server, admin, body)
    assert r.status_code == 409, r.text
    assert [(e["line"], e["field"]) for e in r.json()["errors"]] == [(3, "sku"), (4, "location"), (6, "sku")]
    assert r.json()["detail"].startswith("line 3: sku: ") and "(and 2 more rows)" in r.json()["detail"]
    r = import_stock(server, admin, b"sku,location,lot,quantity\nA-1,WH1,,1\nNOPE-1,WH1,,1\nB-1,WH1,,1\nNOPE-2,,,2\n")
    assert r.status_code == 422, r.text
    assert [(e["line"], e["field"]) for e in r.json()["errors"]] == [(3, "sku"), (5, "sku")]
    # Exactly 20 bad rows, the last on the last line: all checked, so nothing says it stopped.
    twenty = "sku,location,lot,quantity\n" + "".join(f"NOPE-{i},WH1,,1\n" for i in range(20))
    r = import_stock(server, admin, twenty.encode())
    assert r.status_code == 422 and len(r.json()["errors"]) == 20, r.text
    assert "(and 19 more rows)" in r.json()["detail"] and "stopped" not in r.json()["detail"]
    # Many bad rows: the first 20 are named, and the answer says checking stopped there.
    many = "sku,location,lot,quantity\n" + "".join(f"NOPE-{i},WH1,,1\n" for i in range(30))
    r = import_stock(server, admin, many.encode())
    assert r.status_code == 422 and [e["line"] for e in r.json()["errors"]] == list(range(2, 22)), r.text
    assert "(and 19 more rows; checking stopped there)" in r.json()["detail"]
    assert snapshot(server, admin) == before
    assert {location["code"] for location in all_locations(server, admin)} == {"WH1"}
    # The command line names the same lines.
    server.stop()
    bad = server.data_dir.parent / "bad.csv"
    bad.write_bytes(body)
    r = run_cli(binary, "import", "items", bad, "--data-dir", server.data_dir)
    assert r.returncode == 1
    assert [line.split(": ")[1] for line in r.stderr.splitlines()[:3]] == ["line 3", "line 4", "line 6"], r.stderr
    assert "nothing was imported" in r.stderr


def test_a_stocktake_that_counts_one_balance_twice_imports_nothing(server):
    admin = server.login()
    assert import_items(server, admin, b"sku,name,quantity,location\nA-1,x,10,WH1\nB-1,y,3,WH1\n").status_code == 201
    before = snapshot(server, admin)
    r = import_stock(server, admin, b"sku,location,lot,quantity\nA-1,WH1,,5\nB-1,WH1,,2\nA-1,WH1,,7\n", mode="count")
    assert r.status_code == 422, r.text
    assert [(e["line"], e["field"]) for e in r.json()["errors"]] == [(4, "location")]
    assert "count each balance once" in r.json()["errors"][0]["detail"]
    assert snapshot(server, admin) == before
    # A row the store refuses does not hide a repeat of it.
    r = import_stock(server, admin, b"sku,location,lot,quantity\nA-1,NOWHERE/WH1,,5\nA-1,NOWHERE/WH1,,7\n",
                     mode="count")
    assert r.status_code == 422, r.text
    assert [(e["line"], e["field"]) for e in r.json()["errors"]] == [(2, "location"), (3, "location")]
    # Other lots, or receipts, may repeat.
    r = import_stock(server, admin, b"sku,location,lot,quantity\nA-1,WH1,,5\nA-1,WH1,L2,7\n", mode="count")
    assert r.status_code == 201, r.text
    r = import_stock(server, admin, b"sku,location,lot,quantity\nB-1,WH1,,1\nB-1,WH1,,1\n")
    assert r.status_code == 201, r.text
    assert snapshot(server, admin)["B-1"][1] == {("WH1", ""): Decimal(5)}


def test_stock_import_problems_name_their_lines_and_import_nothing(server):
    admin = server.login()
    assert import_items(server, admin, data_file("items-sample.csv")).status_code == 201
    before = snapshot(server, admin)
    moves = len(all_movements(server, admin))
    sku = next(iter(before))
    body = (f"sku,location,lot,quantity\n{sku},WH1-A01-02,,5\nNO-SUCH-SKU,WH1-A01-02,,1\n"
            f"{sku},WH1-A01-02,,12,5\n{sku},WH1-A01-02,,-1\n{sku},a//b,,1\n").encode()
    r = import_stock(server, admin, body)
    assert r.status_code == 422, r.text
    got = {(e["line"], e["field"]) for e in r.json()["errors"]}
    # Every line the reader can judge alone is named; an unknown sku may be found only after them.
    assert {(4, ""), (5, "quantity"), (6, "location")} <= got
    assert got <= {(3, "sku"), (4, ""), (5, "quantity"), (6, "location")}
    r = import_stock(server, admin, f"sku,location,lot,quantity\n{sku},WH1-A01-02,,5\nNO-SUCH-SKU,,,1\n".encode())
    assert r.status_code == 422 and [(e["line"], e["field"]) for e in r.json()["errors"]] == [(3, "sku")], r.text
    assert snapshot(server, admin) == before
    assert len(all_movements(server, admin)) == moves


def test_count_mode_sets_balances(server, binary):
    admin = server.login()
    sample = rows_of(data_file("items-sample.csv"))
    assert import_items(server, admin, data_file("items-sample.csv")).status_code == 201
    a, b, c, d = sample[0], sample[1], sample[2], sample[3]
    counts = [
        {"sku": a["sku"], "location": a["location"], "lot": "", "quantity": "7"},          # down
        {"sku": b["sku"], "location": b["location"], "lot": "", "quantity": "1000.125"},   # up
        {"sku": c["sku"], "location": c["location"], "lot": "", "quantity": "0"},          # gone
        {"sku": d["sku"], "location": "", "lot": "FOUND-1", "quantity": "3"},              # found elsewhere
    ]
    r = import_stock(server, admin, write_csv(["sku", "location", "lot", "quantity"], counts), mode="count")
    assert r.status_code == 201, r.text
    assert r.json()["movements"] == 4
    got = snapshot(server, admin)
    assert got[a["sku"]][1] == {(a["location"], ""): Decimal(7)}
    assert got[b["sku"]][1] == {(b["location"], ""): Decimal("1000.125")}
    assert got[c["sku"]][1] == {}
    assert got[d["sku"]][1] == {(d["location"], ""): Decimal(d["quantity"]), ("RECEIVING", "FOUND-1"): Decimal(3)}
    found = {m["sku"]: m for m in all_movements(server, admin, type="count")}
    assert Decimal(found[a["sku"]]["difference"]) == 7 - Decimal(a["quantity"])
    assert Decimal(found[b["sku"]]["difference"]) == Decimal("1000.125") - Decimal(b["quantity"])
    assert Decimal(found[c["sku"]]["difference"]) == -Decimal(c["quantity"])
    assert Decimal(found[d["sku"]]["difference"]) == 3
    # Counting the same file again changes nothing.
    r = import_stock(server, admin, write_csv(["sku", "location", "lot", "quantity"], counts), mode="count")
    assert r.status_code == 201
    assert snapshot(server, admin) == got
    # mode=receive (the default) adds.
    r = import_stock(server, admin, write_csv(["sku", "location", "lot", "quantity"], counts[:2]))
    assert r.status_code == 201, r.text
    assert snapshot(server, admin)[a["sku"]][1] == {(a["location"], ""): Decimal(14)}
    # The movements export carries each count's difference (and nothing there for other types).
    exported = rows_of(server.get(f"{API}/export/movements.csv", admin).content)
    by_id = {m["id"]: m for m in all_movements(server, admin)}
    assert len(exported) == len(by_id)
    for row in exported:
        m = by_id[int(row["id"])]
        assert row["difference"] == (m["difference"] if m["type"] == "count" else ""), row
    assert sum(row["type"] == "count" for row in exported) == 8
    verify_stock(binary, server)


# --- exports and reports ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def stocked(binary, tmp_path_factory):
    """A server with the real items and balances and a few issues, for the read-only tests."""
    s = Server(binary, tmp_path_factory.mktemp("stocked") / "data").start()
    admin = s.login()
    text = data_file("items-real.csv").decode("utf-8")
    records = list(csv.reader(io.StringIO(text, newline="")))
    q = records[0].index("quantity")
    assert import_items(s, admin, write_csv([h for h in records[0] if h != "quantity"],
                                            [row[:q] + row[q + 1:] for row in records[1:]])).status_code == 201
    assert import_stock(s, admin, data_file("items-real-balances.csv")).status_code == 201
    snap = snapshot(s, admin)
    items = {i["sku"]: i for i in list_items(s, admin)}
    sess = session(s, admin)
    issued = []
    for sku in list(snap)[:40]:
        enough = [(key, quantity) for key, quantity in snap[sku][1].items() if quantity >= 1]
        if not enough:
            continue
        (location, lot), _ = enough[0]
        r = sess.post(s.url + f"{API}/movements", json={"type": "issue", "item_id": items[sku]["id"],
                                                        "quantity": "1", "from_location": location, "lot": lot},
                      timeout=30)
        assert r.status_code == 201, r.text
        issued.append(r.json())
    yield {"server": s, "admin": admin, "items": items, "issued": issued, "snapshot": snapshot(s, admin)}
    s.stop()


def csv_rows(r):
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"].startswith("text/csv")
    return rows_of(r.content)


def test_low_stock_report_in_json_and_csv(stocked):
    s, admin = stocked["server"], stocked["admin"]
    expected = {i["sku"] for i in stocked["items"].values()
                if Decimal(stocked["snapshot"][i["sku"]][2]) < Decimal(i["reorder_point"])}
    assert expected
    report = s.get(f"{API}/reports/low-stock", admin)
    assert report.status_code == 200 and report.headers["Content-Type"].startswith("application/json")
    items = report.json()["items"]
    assert {i["sku"] for i in items} == expected
    for i in items:
        quantity, reorder = stocked["snapshot"][i["sku"]][2], Decimal(stocked["items"][i["sku"]]["reorder_point"])
        assert Decimal(i["quantity"]) == quantity and Decimal(i["reorder_point"]) == reorder
        assert Decimal(i["shortfall"]) == reorder - quantity
    rows = csv_rows(s.get(f"{API}/reports/low-stock", admin, headers={"Accept": "text/csv"}))
    assert list(rows[0]) == ["item_id", "sku", "name", "unit", "quantity", "reorder_point", "shortfall"]
    assert rows == [{k: str(v) for k, v in i.items()} for i in items]


@pytest.mark.parametrize("accept,csv_wanted", [
    ("text/csv", True), ("TEXT/CSV; charset=utf-8", True), ("application/json, text/csv", False),
    ("text/csv;q=0.5, application/json", False), ("application/json;q=0.4, text/csv;q=0.5", True),
    ("text/csv;q=0", False), ("*/*", False), ("text/*", True), ("application/json", False),
    ("*/*;q=1, text/csv;q=0.1", False), ("application/*, text/csv;q=0.5", False),
    ("text/csv;q=0.9, */*;q=0.1", True), ("text/csv;q=2", False), ("text/csv;q=1e999", False),
    ("text/csv;q=0x10", False), ("text/csv;q=", False), ("text/csv;Q=1.000", True), ("", False),
    ("text/csv, */*", True), ("text/*, application/*", False), ("text/csv;q=0.5, */*;q=0.5", True),
])
def test_reports_follow_the_accept_headers_weights(stocked, accept, csv_wanted):
    s, admin = stocked["server"], stocked["admin"]
    r = s.get(f"{API}/reports/low-stock", admin, headers={"Accept": accept})
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"].startswith("text/csv" if csv_wanted else "application/json"), accept
    assert r.headers["Vary"] == "Accept"


def test_stock_by_location_report_in_json_and_csv(stocked):
    s, admin, snap = stocked["server"], stocked["admin"], stocked["snapshot"]
    expected = defaultdict(dict)
    for sku, (_, stock, _) in snap.items():
        for (location, lot), quantity in stock.items():
            expected[location][(sku, lot)] = quantity
    report = s.get(f"{API}/reports/stock-by-location", admin).json()["locations"]
    got = {loc["location"]: {(b["sku"], b["lot"]): Decimal(b["quantity"]) for b in loc["balances"]} for loc in report}
    assert got == expected
    rows = csv_rows(s.get(f"{API}/reports/stock-by-location", admin, headers={"Accept": "text/csv"}))
    assert list(rows[0]) == ["location", "item_id", "sku", "lot", "quantity"]
    flat = [{"location": loc["location"], "item_id": str(b["item_id"]), "sku": b["sku"], "lot": b["lot"],
             "quantity": b["quantity"]} for loc in report for b in loc["balances"]]
    assert rows == flat
    # Named as a filter, a location includes the stock of the locations below it.
    factory = s.get(f"{API}/reports/stock-by-location", admin, params={"location": "Factory"}).json()["locations"]
    assert {loc["location"] for loc in factory} == {loc for loc in expected if loc.split("/")[0] == "Factory"}
    assert "Factory/Office Block/Room 101" in {loc["location"] for loc in factory}
    room = s.get(f"{API}/reports/stock-by-location", admin,
                 params={"location": "Factory/Office Block/Room 101"}).json()["locations"]
    assert [loc["location"] for loc in room] == ["Factory/Office Block/Room 101"]
    r = s.get(f"{API}/reports/stock-by-location", admin, params={"location": "Nowhere"})
    assert r.status_code in (404, 422)


def test_movements_summary_in_json_and_csv(stocked):
    s, admin = stocked["server"], stocked["admin"]
    movements = all_movements(s, admin)
    expected = defaultdict(lambda: {"movements": 0, "received": Decimal(0), "issued": Decimal(0)})
    for m in movements:
        e = expected[m["sku"]]
        e["movements"] += 1
        if m["type"] == "receive":
            e["received"] += Decimal(m["quantity"])
        elif m["type"] == "issue":
            e["issued"] += Decimal(m["quantity"])
    report = s.get(f"{API}/reports/movements-summary", admin).json()
    got = {i["sku"]: {"movements": i["movements"], "received": Decimal(i["received"]),
                      "issued": Decimal(i["issued"])} for i in report["items"]}
    assert got == expected
    assert all(Decimal(i["transferred"]) == 0 for i in report["items"])
    rows = csv_rows(s.get(f"{API}/reports/movements-summary", admin, headers={"Accept": "text/csv"}))
    assert rows == [{k: str(v) for k, v in i.items()} for i in report["items"]]
    # An empty window; a window that is not one.
    empty = s.get(f"{API}/reports/movements-summary", admin, params={"from": "2000-01-01", "to": "2000-02-01"})
    assert empty.status_code == 200 and empty.json()["items"] == []
    r = s.get(f"{API}/reports/movements-summary", admin, params={"from": "2000-02-01", "to": "2000-01-01"})
    assert r.status_code == 422


def test_movements_export_matches_the_ledger(stocked):
    s, admin = stocked["server"], stocked["admin"]
    movements = all_movements(s, admin)
    rows = csv_rows(s.get(f"{API}/export/movements.csv", admin))
    assert [int(r["id"]) for r in rows] == [m["id"] for m in movements]
    for row, m in zip(rows, movements):
        assert (row["type"], row["sku"], Decimal(row["quantity"]), row["lot"], row["at"]) == (
            m["type"], m["sku"], Decimal(m["quantity"]), m["lot"], m["at"])
    r = s.get(f"{API}/export/movements.csv", admin, params={"from": "2026-12-05", "to": "2026-12-05"})
    assert r.status_code == 422 and [e["field"] for e in r.json()["errors"]] == ["to"], r.text
    # from inclusive, to exclusive, as for the JSON list
    issued = stocked["issued"]
    lo, hi = issued[3]["at"], issued[-1]["at"]
    window = csv_rows(s.get(f"{API}/export/movements.csv", admin, params={"from": lo, "to": hi}))
    assert [int(r["id"]) for r in window] == [m["id"] for m in movements if lo <= m["at"] < hi]
    assert [int(r["id"]) for r in window] == [m["id"] for m in all_movements(s, admin, **{"from": lo, "to": hi})]


def test_stock_export_matches_the_balances(stocked):
    s, admin, snap = stocked["server"], stocked["admin"], stocked["snapshot"]
    rows = csv_rows(s.get(f"{API}/export/stock.csv", admin))
    got = defaultdict(dict)
    for row in rows:
        assert Decimal(row["quantity"]) > 0
        got[row["sku"]][(row["location"], row["lot"])] = Decimal(row["quantity"])
    assert dict(got) == {sku: stock for sku, (_, stock, _) in snap.items() if stock}
    # One location's export.
    lab = csv_rows(s.get(f"{API}/export/stock.csv", admin, params={"location": "Electronics Lab/Reel Storage"}))
    assert lab and all(r["location"] == "Electronics Lab/Reel Storage" for r in lab)
