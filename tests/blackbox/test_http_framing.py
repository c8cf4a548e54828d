"""HTTP/1.1 framing over raw sockets: requests whose length two parties could read differently
(request smuggling) are refused and the connection closed; other malformed framing is a 400."""
import socket

import pytest

API = "/api/v1"


def exchange(server, raw, timeout=5):
    """Sends raw bytes, returns everything the server answers until it closes."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=timeout) as sock:
        sock.sendall(raw)
        chunks = []
        while True:
            try:
                data = sock.recv(65536)
            except socket.timeout:
                break
            if not data:
                break
            chunks.append(data)
    return b"".join(chunks)


def statuses(answer):
    return [int(line.split()[1]) for line in answer.split(b"\r\n") if line.startswith(b"HTTP/1.1 ")]


@pytest.mark.parametrize("coding,status", [
    ("gzip", 400), ("identity", 400), ("xchunked", 400), ("chunked, gzip", 400), ("gzip, chunked", 501)])
def test_transfer_codings_other_than_chunked_are_refused_and_nothing_is_smuggled(server, coding, status):
    admin = server.login()
    hidden = (f"GET {API}/users HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {admin}\r\n"
              "Connection: close\r\n\r\n")
    raw = (f"POST {API}/items HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {admin}\r\n"
           f"Content-Type: application/json\r\nTransfer-Encoding: {coding}\r\n\r\n{hidden}").encode()
    answer = exchange(server, raw)
    assert statuses(answer) == [status], answer[:300]
    assert b"Connection: close" in answer or b"connection: close" in answer
    assert b'"users"' not in answer


def test_two_transfer_encoding_headers_are_refused(server):
    raw = (b"POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
           b"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n")
    assert statuses(exchange(server, raw)) in ([400], [501])


def test_content_length_with_chunked_is_refused(server):
    raw = (b"POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
           b"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n")
    assert statuses(exchange(server, raw)) in ([400], [501])


def test_plain_chunked_bodies_work(server):
    body = b'{"username":"admin","password":"correct-horse-battery-staple"}'
    raw = (b"POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
           b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
           + f"{len(body):x}\r\n".encode() + body + b"\r\n0\r\n\r\n")
    answer = exchange(server, raw)
    assert statuses(answer) == [200] and b"access_token" in answer


@pytest.mark.parametrize("size", [b"zz", b"ffffffffffffffffff"])
def test_malformed_chunk_size_is_400_and_logged(server, size):
    raw = (b"POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
           b"Transfer-Encoding: chunked\r\n\r\n" + size + b"\r\n{}\r\n0\r\n\r\n")
    assert statuses(exchange(server, raw)) == [400]
    server.wait_for_log(lambda r: r.get("msg") == "request" and r.get("status") == 400)


@pytest.mark.parametrize("headers", [b"", b"Host: a\r\nHost: b\r\n"])
def test_http11_needs_exactly_one_host(server, headers):
    raw = b"GET /healthz HTTP/1.1\r\n" + headers + b"Connection: close\r\n\r\n"
    assert statuses(exchange(server, raw)) == [400]


def test_http10_without_host_is_fine(server):
    assert statuses(exchange(server, b"GET /healthz HTTP/1.0\r\n\r\n")) == [200]
