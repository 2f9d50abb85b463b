"""Chart images are rendered once per build and canonical view, kept under the data dir,
and rendered one at a time with a bounded queue: a request beyond it is told to retry
instead of taking a worker thread. The browser is replaced by a stand-in that counts."""

from __future__ import annotations

import shutil
import threading
import time

import plotly.io as pio
import pytest

from dashboard import images
from dashboard.app import create_app

pytestmark = pytest.mark.integration


class Renderer:
    """Stands in for kaleido: counts renders and how many ran at once; each render waits
    until `gate` is open."""

    def __init__(self) -> None:
        self.gate = threading.Event()
        self.gate.set()
        self.calls = 0
        self.running = 0
        self.most_at_once = 0
        self._lock = threading.Lock()

    def __call__(self, figure, format: str, **options) -> bytes:
        with self._lock:
            self.calls += 1
            self.running += 1
            self.most_at_once = max(self.most_at_once, self.running)
        self.gate.wait(timeout=60)
        with self._lock:
            self.running -= 1
        return b"\x89PNG stand-in" if format == "png" else b"<svg/>"


@pytest.fixture
def app_on_copy(built, tmp_path):
    """An app on a private copy of the build: renders are cached under tmp_path/cache."""
    shutil.copytree(built.processed_dir, tmp_path / "processed")
    return create_app(tmp_path / "processed"), tmp_path / "cache"


def stand_in(monkeypatch) -> Renderer:
    renderer = Renderer()
    monkeypatch.setattr(images, "_started", True)  # no browser to start
    monkeypatch.setattr(pio, "to_image", renderer)
    return renderer


def test_a_chart_image_is_rendered_once_per_build_and_view(app_on_copy, monkeypatch):
    app, cache = app_on_copy
    renderer = stand_in(monkeypatch)
    client = app.server.test_client()
    first = client.get("/download/figure/map.png?metric=automation")
    assert first.status_code == 200 and renderer.calls == 1
    again = client.get("/download/figure/map.png?metric=automation")
    assert again.data == first.data and renderer.calls == 1
    # the same view written another way (the default wave named) is the same image
    latest = client.get("/api/v1/waves.json").json["rows"][-1]["wave"]
    client.get(f"/download/figure/map.png?metric=automation&wave={latest}")
    assert renderer.calls == 1
    client.get("/download/figure/map.svg?metric=automation")  # another format
    client.get("/download/figure/map.png?metric=aui")  # another view
    assert renderer.calls == 3
    build_id = first.headers["X-AIEI-Build"]
    assert len(list((cache / build_id / "figures").glob("map-*.png"))) == 2
    # another worker process of the same build reads the same files
    assert (
        create_app(cache.parent / "processed")
        .server.test_client()
        .get("/download/figure/map.png?metric=aui")
        .status_code
        == 200
    )
    assert renderer.calls == 3


def test_renders_are_one_at_a_time_and_the_queue_is_bounded(app_on_copy, monkeypatch):
    """Six requests for six uncached charts while a render is under way: two get a place
    (one renders, the other waits for it), four are told to come back, without waiting."""
    from dashboard.downloads import RETRY_AFTER_SECONDS

    app, _ = app_on_copy
    renderer = stand_in(monkeypatch)
    renderer.gate.clear()  # renders last until the refusals are in
    answers: list[object] = []

    def fetch(state: str) -> None:
        answers.append(app.server.test_client().get(f"/download/figure/top-uses.png?state={state}"))

    threads = [
        threading.Thread(target=fetch, args=(s,)) for s in ("IN", "OH", "MI", "CA", "TX", "NY")
    ]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 60
    while (len(answers), renderer.calls) != (4, 1) and time.monotonic() < deadline:
        time.sleep(0.05)
    # the first is rendering, the second waiting for it, the other four already refused
    assert [a.status_code for a in answers] == [503] * 4 and renderer.calls == 1
    renderer.gate.set()
    for thread in threads:
        thread.join()
    assert sorted(a.status_code for a in answers) == [200, 200, 503, 503, 503, 503]
    assert renderer.calls == 2 and renderer.most_at_once == 1
    for refused in (a for a in answers if a.status_code == 503):
        assert refused.headers["Retry-After"] == str(RETRY_AFTER_SECONDS)
        assert b"try again" in refused.data
    # the places are given back: the next chart renders
    again = app.server.test_client().get("/download/figure/top-uses.png?state=WY")
    assert again.status_code == 200 and renderer.calls == 3


def test_the_chart_browser_renders_as_idle_work():
    """After a real render, every thread of kaleido's browser is scheduled SCHED_IDLE (it
    yields the CPU to pages and callbacks); this process's own threads are not."""
    import os

    import plotly.graph_objects as go

    png = images.render(go.Figure(go.Bar(x=[1, 2], y=[3, 4])), "png", title="t", source="s")
    assert png.startswith(b"\x89PNG")
    browser = images.browser_processes()
    assert any("chrom" in p.name() for p in browser)
    policies = {os.sched_getscheduler(t.id) for p in browser for t in p.threads()}
    assert policies == {os.SCHED_IDLE}
    assert os.sched_getscheduler(0) == os.SCHED_OTHER
