"""Review in the browser: `dialogcode review serve` (docs/review.md).

A local web app on 127.0.0.1 that shows each transcript with its codes and records
accept, reject, added codes and notes in decisions.csv through
:mod:`dialogcode.decision_log`, as `review import` does. Needs Flask
(``pip install 'dialogcode[web]'``).
"""
from __future__ import annotations

import logging

from ..errors import ArgumentError
from ..study import Study

HOST = "127.0.0.1"


def make_server(study: Study, *, reviewer: str = "", port: int = 0, queue_size: int = 50,
                token: str | None = None):
    """A werkzeug server of the review app, bound to 127.0.0.1 (``port`` 0: a free one),
    not yet serving. ``server.url`` is the address to open, with its token. Raises
    ArgumentError when Flask is not installed or the port cannot be had, DialogcodeError
    when the study is not coded yet."""
    try:
        from werkzeug.serving import make_server as werkzeug_server

        from .app import create_app
    except ImportError:
        raise ArgumentError("`review serve` needs Flask: pip install 'dialogcode[web]'"
                            ) from None
    from .pages import ReviewData

    data = ReviewData(study, reviewer, queue_size)
    data.tables()                      # the study's tables are there and readable
    app = create_app(data, token=token)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)    # no line per request
    try:
        server = werkzeug_server(HOST, port, app, threaded=True)
    except OSError as exc:
        raise ArgumentError(f"cannot listen on {HOST}:{port} ({exc.strerror})") from None
    app.config["PORT"] = server.server_port
    server.url = f"http://{HOST}:{server.server_port}/?token={app.config['TOKEN']}"
    return server

