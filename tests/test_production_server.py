"""The production configuration (dashboard/gunicorn_conf.py, threaded workers) survives
what stalled bare gunicorn: idle connections, and a chunked body of a gigabyte."""

from __future__ import annotations

import importlib
import re
import select
import socket
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

import pytest
import requests

from dashboard.builds import BUILD_HEADER
from dashboard.local import production_server

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def production(built):
    with production_server(built.data_dir) as (url, _):
        yield url


def test_idle_connections_do_not_stall_the_app(production):
    """Bare gunicorn (two sync workers) waited 30 s on each of two silent connections."""
    address = urlsplit(production)
    idle = [socket.create_connection((address.hostname, address.port)) for _ in range(4)]
    try:
        for _ in range(5):  # a stalled server would not answer within the timeout
            response = requests.get(production + "/state/IN", timeout=10)
            assert response.status_code == 200 and response.headers[BUILD_HEADER]
    finally:
        for connection in idle:
            connection.close()


def test_a_chunked_gigabyte_is_refused_at_the_limit(production):
    """The client sends chunks until the server answers: 413 after about 64 KB were read,
    long before the gigabyte it announced by sending (none of it is buffered)."""
    address = urlsplit(production)
    chunk = b" " * 65_536
    frame = f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n"
    pending = (
        b"POST /_dash-update-component HTTP/1.1\r\nHost: localhost\r\n"
        b"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
    )
    sent = 0
    with socket.create_connection((address.hostname, address.port), timeout=30) as sock:
        sock.setblocking(False)
        while sent < 2**30:
            readable, writable, _ = select.select([sock], [sock], [], 10)
            if readable or not writable:
                break
            try:
                written = sock.send(pending)
            except OSError:  # the server closed after answering
                break
            sent += written
            pending = pending[written:] or frame
        sock.setblocking(True)
        answer = b""
        while b"too large" not in answer and (more := sock.recv(4096)):
            answer += more
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert b"callback request too large" in answer
    assert sent < 64 * 2**20
    assert requests.get(production + "/", timeout=10).status_code == 200


def test_a_fresh_server_serves_every_script_of_the_first_page(built):
    """The first visit after a start: the browser asks for the page's ~15 scripts at once,
    each worker's first requests among them. Dash registered the scripts a worker serves
    during its first request, and a concurrent one got 404 (the page never drew); each
    worker now draws the app once before it takes requests (dashboard/app.py)."""
    for _ in range(3):  # fresh starts: the race hit about one first visit in three
        with production_server(built.data_dir) as (url, _):
            page = requests.get(url + "/", timeout=10)
            scripts = re.findall(r'<script src="([^"]+)"', page.text)
            assert len(scripts) >= 10, scripts
            with ThreadPoolExecutor(16) as pool:  # one connection per request
                answers = list(
                    pool.map(lambda src: requests.get(url + src, timeout=10), scripts * 2)
                )
            failed = [(a.url, a.status_code) for a in answers if a.status_code != 200]
            assert not failed, failed


def test_bind_workers_and_threads_come_from_the_environment(monkeypatch):
    import dashboard.gunicorn_conf as conf

    monkeypatch.setenv("AIEI_BIND", "127.0.0.1:9000")
    monkeypatch.setenv("AIEI_WORKERS", "3")
    monkeypatch.setenv("AIEI_THREADS", "4")
    importlib.reload(conf)
    assert (conf.bind, conf.workers, conf.threads) == ("127.0.0.1:9000", 3, 4)
    assert conf.worker_class == "gthread"
    monkeypatch.setenv("AIEI_WORKERS", "two")
    with pytest.raises(SystemExit, match="AIEI_WORKERS='two': expected a whole number"):
        importlib.reload(conf)
    monkeypatch.delenv("AIEI_WORKERS")
    importlib.reload(conf)
