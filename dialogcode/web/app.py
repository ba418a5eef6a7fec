"""The Flask application of `dialogcode review serve` and its guards.

Every request must carry the session's token: in the URL the command prints (the
server then sets it as a cookie and redirects to the URL without it) or in that cookie.
Every request must name the server itself as its Host (127.0.0.1 or localhost and the
port), which defeats DNS rebinding. A POST must also carry the token in the
``X-Dialogcode-Token`` header, be JSON, and come from the server's own origin when the
browser says where it comes from: a page elsewhere cannot forge a decision. Pages are
Jinja templates with autoescaping, so transcript text is always shown as text, and a
content security policy allows only the server's own script.
"""
from __future__ import annotations

import hmac
import secrets

from flask import Flask, abort, jsonify, redirect, render_template, request

from ..errors import DialogcodeError
from .pages import ReviewData

HEADER = "X-Dialogcode-Token"
POLICY = ("default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
          "connect-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; "
          "base-uri 'none'")


def create_app(data: ReviewData, *, token: str | None = None) -> Flask:
    """The review app over ``data``. ``token`` defaults to a new random one
    (``app.config["TOKEN"]``); ``app.config["PORT"]`` must be set to the port served
    before the first request."""
    app = Flask(__name__)
    app.config.update(TOKEN=token or secrets.token_urlsafe(24), PORT=None,
                      MAX_CONTENT_LENGTH=64 * 1024)

    def same(value) -> bool:
        return isinstance(value, str) and hmac.compare_digest(value, app.config["TOKEN"])

    def cookie_name() -> str:
        return f"dialogcode-{app.config['PORT']}"

    @app.before_request
    def guard():
        port = app.config["PORT"]
        if request.host not in (f"127.0.0.1:{port}", f"localhost:{port}"):
            abort(403, "this server answers only to 127.0.0.1 and localhost")
        if same(request.args.get("token")):
            response = redirect(request.path, code=303)
            response.set_cookie(cookie_name(), app.config["TOKEN"], httponly=True,
                                samesite="Strict")
            return response
        if not same(request.cookies.get(cookie_name())):
            abort(403, "open the address `dialogcode review serve` printed, with its token")
        if request.method != "GET":
            origin = request.headers.get("Origin")
            if origin is not None and origin != f"http://{request.host}":
                abort(403, "a request from another site")
            if not same(request.headers.get(HEADER)) or not request.is_json:
                abort(403, "a request without the page's token")

    @app.after_request
    def headers(response):
        response.headers["Content-Security-Policy"] = POLICY
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["Cache-Control"] = "no-store"
        return response

    @app.errorhandler(403)
    @app.errorhandler(404)
    def refused(error):
        if request.path.startswith("/api/"):
            return jsonify(error=error.description), error.code
        return render_template("error.html", error=error, study=data.study), error.code

    @app.errorhandler(DialogcodeError)
    def study_error(error):
        return render_template("error.html", error=error, study=data.study), 500

    def page(template: str, **values):
        return render_template(template, token=app.config["TOKEN"], study=data.study,
                               reviewer=data.reviewer, codes=data.codes(), **values)

    @app.get("/")
    def documents():
        return page("documents.html", sites=data.document_list())

    @app.get("/doc/<path:doc_id>")
    def document(doc_id):
        shown = data.document(doc_id)
        if shown is None:
            abort(404, f"no document {doc_id!r} in this study")
        return page("document.html", document=shown)

    @app.get("/queue")
    def queue():
        try:
            entries, problem = data.queue(), ""
        except DialogcodeError as exc:      # no learned model yet
            entries, problem = [], str(exc)
        return page("queue.html", entries=entries, problem=problem, size=data.queue_size)

    @app.post("/api/decide")
    def decide():
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            return jsonify(error="the request is not a JSON object"), 400
        texts = {k: body.get(k) for k in ("seg_id", "code_id", "sha256")}
        decision, note = body.get("decision"), body.get("note")
        start, end = body.get("start"), body.get("end")
        if (not all(_text(v) for v in texts.values())
                or not (note is None or _text(note))
                or not (decision is None or _text(decision))
                or (decision is None and note is None)
                or (start is None) != (end is None)
                or not all(v is None or type(v) is int for v in (start, end))):
            return jsonify(error="seg_id, code_id and sha256 must be text, decision text "
                                 "(or null with a note: the note alone), note text, start "
                                 "and end whole numbers (both or neither)"), 400
        try:
            saved = data.decide(**texts, decision=decision, note=note, start=start, end=end)
        except DialogcodeError as exc:
            return jsonify(error=str(exc.problems[0])), 409
        except OSError as exc:      # a full disk, no permission: say which file, not a 500
            return jsonify(error=f"{exc.filename}: {exc.strerror or exc}"), 500
        return jsonify(saved=saved)

    return app


def _text(value) -> bool:
    """True for a str that UTF-8 can write: JSON may carry half of a surrogate pair
    (``"\\ud800"``), which no file can hold."""
    if not isinstance(value, str):
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
