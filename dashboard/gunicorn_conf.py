"""gunicorn's settings for production:

    gunicorn -c python:dashboard.gunicorn_conf 'dashboard.app:create_server()'

Threaded workers (`gthread`): a connection that sends nothing waits in the worker's poller,
not in a thread, so idle or slow clients cannot stall the app as they stall sync workers;
a thread is taken only while a request is being read and answered. Slow renders hold at
most a few threads (dashboard/render_cache.py). Override by environment:

    AIEI_BIND     address:port to listen on (default 0.0.0.0:8050)
    AIEI_WORKERS  worker processes (default 2: one per core of a small machine)
    AIEI_THREADS  threads per worker (default 8)
"""

from __future__ import annotations

import os


def _whole_number(name: str, default: int) -> int:
    text = os.environ.get(name, str(default))
    if not text.isdigit() or int(text) < 1:
        raise SystemExit(f"{name}={text!r}: expected a whole number of at least 1")
    return int(text)


bind = os.environ.get("AIEI_BIND", "0.0.0.0:8050")
workers = _whole_number("AIEI_WORKERS", 2)
worker_class = "gthread"
threads = _whole_number("AIEI_THREADS", 8)

# A worker that has not checked in for this long is restarted. Requests are short; the
# longest, a first briefing render, takes a few seconds.
timeout = 60
graceful_timeout = 30
# Idle keep-alive connections are closed after this long; they cost no thread meanwhile.
# (Request lines and headers are bounded by gunicorn's defaults, bodies by the app.)
keepalive = 5
# gunicorn ≥ 25 opens a control socket at one path per user ($HOME/.gunicorn/gunicorn.ctl),
# which a second instance on the host (tests, a staging copy) would take over. Not used.
control_socket_disable = True
