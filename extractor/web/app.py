"""`extractor serve`: the review app. Browse, search, the review queue, and corrections into the reviews table.

The database is opened per request and closed at once, so no lock outlives a request: `extractor extract`
can write the same file between requests. A request that meets another process's lock retries for a while,
then says the database is busy. Writes state the value the reviewer saw, so a stale edit is refused.
"""

from __future__ import annotations

import hmac
import json
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import quote, urlencode

from flask import Flask, abort, make_response, redirect, request
from werkzeug.wrappers import Response

from extractor import reviews
from extractor.errors import StoreError
from extractor.store import Store
from extractor.web import queue
from extractor.web.pages import environment, paper_pages, reviewed_targets, search_papers

CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; form-action 'self'; "
       "base-uri 'none'; frame-ancestors 'none'")
CLAIM_INPUTS = ("metric", "kind", "value", "value_max", "unit", "direction", "bound", "baseline")


class Busy(Exception):
    """Another process holds the database (an extraction writing it) for longer than the retries waited."""


def create_app(db: str, token: str | None = None, reviewer: str = "reviewer", retry_seconds: float = 15.0) -> Flask:
    """The review app over the DuckDB file `db`; with `token`, every request must carry it (once in ?token=)."""
    app = Flask(__name__, static_folder="static", static_url_path="/assets")
    form_secret = secrets.token_urlsafe(16)  # in every form: another site cannot post to the app (CSRF)
    one_at_a_time = threading.Lock()  # one connection at a time: requests are short, and each closes the file
    env = environment()

    @contextmanager
    def store() -> Iterator[Store]:
        """A connection for one request, retried while another process holds the file's lock."""
        deadline = time.monotonic() + retry_seconds
        with one_at_a_time:
            while True:
                try:
                    opened = Store(db)
                    break
                except StoreError as e:
                    if "in another process" not in str(e):
                        raise
                    if time.monotonic() >= deadline:
                        raise Busy(str(e)) from e
                    time.sleep(0.2)
            with opened:
                yield opened

    def page(template: str, status: int = 200, **values: Any) -> Response:
        who = request.cookies.get("reviewer") or reviewer
        html = env.get_template(template).render(root="/", home="/", csrf=form_secret, reviewer=who,
                                                 request_path=request.path, **values)
        return make_response(html, status)

    @app.before_request
    def check_token_and_form() -> Response | None:
        if token is not None:
            given = request.args.get("token") or request.cookies.get("token") or ""
            if not hmac.compare_digest(given.encode(), token.encode()):
                return make_response("This review app needs its token: open the address `extractor serve` printed.", 403)
        if request.method == "POST" and not hmac.compare_digest(request.form.get("csrf", "").encode(), form_secret.encode()):
            return make_response("This form is from an older run of the app or another site: reload the page.", 403)
        return None

    @app.after_request
    def headers(response: Response) -> Response:
        response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        if token is not None and request.args.get("token") == token:
            response.set_cookie("token", token, httponly=True, samesite="Strict")
        return response

    @app.errorhandler(Busy)
    def busy(e: Busy) -> Response:
        return page("app_message.html", 503, title="The database is busy", message=str(e)
                    + " Nothing was saved; try again in a moment.")

    @app.errorhandler(StoreError)
    def store_error(e: StoreError) -> Response:
        return page("app_message.html", 500, title="The database could not be used", message=str(e))

    @app.get("/favicon.ico")
    def favicon() -> Response:
        return make_response("", 204)

    @app.get("/")
    def index() -> Response:
        text = request.args.get("q", "")
        with store() as s:
            found = search_papers(s, text)
        return page("app_index.html", papers=found, q=text)

    @app.get("/queue")
    def review_queue() -> Response:
        with store() as s:
            items = queue.order(s.problems() + s.stored_problems(), reviewed_targets(s))
            titles = dict(s.query("SELECT id, title FROM papers")[1])
        return page("app_queue.html", items=items, titles=titles)

    def paper_page(paper_id: str, status: int = 200, message: str | None = None, error: bool = False) -> Response:
        with store() as s:
            found = paper_pages(s, [paper_id])
        if not found:
            abort(404)
        saved = request.args.get("saved")
        note = message or (f"Saved: {saved}." if saved else None)
        return page("app_paper.html", status, page=found[0], message=note, error=error, seen=json.dumps,
                    claim_seen=lambda c: json.dumps({k: getattr(c, k) for k in reviews.CLAIM_FIELDS}))

    @app.get("/paper/<path:paper_id>")
    def paper(paper_id: str) -> Response:
        return paper_page(paper_id)

    def save(paper_id: str, review: reviews.Review) -> Response:
        try:
            with store() as s, s.transaction("save the review") as conn:
                reviews.record(conn, review)
        except reviews.ReviewRefused as e:
            return paper_page(paper_id, 409 if e.stale else 400, str(e), error=True)
        what, anchor = (review.field, review.field) if review.field != "claim" else (
            ("a new claim", "add-claim") if review.action == "add" else (f"claim {review.claim_idx}", f"claim-{review.claim_idx}"))
        return redirect(f"/paper/{quote(paper_id, safe='')}?{urlencode({'saved': f'{what} ({review.action})'})}#{anchor}", 303)

    def who() -> str:
        return (request.cookies.get("reviewer") or reviewer).strip() or reviewer

    @app.post("/paper/<path:paper_id>/field")
    def review_field(paper_id: str) -> Response:
        form = request.form
        field, action = form.get("field", ""), form.get("action", "")
        try:
            new = reviews.check_field(field, form.get("value")) if action == "correct" else None
            review = reviews.Review(paper_id, field, action, _json(form.get("seen")), new, who())
        except ValueError:
            return paper_page(paper_id, 400, "The form was incomplete: reload the page and try again.", error=True)
        except reviews.ReviewRefused as e:
            return paper_page(paper_id, 400, str(e), error=True)
        return save(paper_id, review)

    @app.post("/paper/<path:paper_id>/claim")
    def review_claim(paper_id: str) -> Response:
        form = request.form
        action = form.get("action", "")
        try:
            seen = _json(form.get("seen")) if action != "add" else None
            idx = int(form["idx"]) if action != "add" else None
            new = None
            if action in ("correct", "add"):
                with store() as s:
                    paper_row = s.paper(paper_id)
                if paper_row is None:
                    abort(404)
                values = {k: form.get(k) for k in CLAIM_INPUTS}
                if action == "add":  # the app, not the browser, cuts the evidence out of the stored abstract
                    start, end = _int(form.get("evidence_start")), _int(form.get("evidence_end"))
                    values |= {"evidence": paper_row.abstract[start:end], "evidence_start": start, "evidence_end": end}
                else:
                    values |= {k: seen.get(k) for k in ("evidence", "evidence_start", "evidence_end")}
                new = reviews.check_claim(values, paper_row.abstract, added=action == "add")
            review = reviews.Review(paper_id, "claim", action, seen, new, who(), idx)
        except (KeyError, ValueError, AttributeError):
            return paper_page(paper_id, 400, "The form was incomplete: reload the page and try again.", error=True)
        except reviews.ReviewRefused as e:
            return paper_page(paper_id, 400, str(e), error=True)
        return save(paper_id, review)

    @app.post("/reviewer")
    def set_reviewer() -> Response:
        back = request.form.get("back", "/")
        response = redirect(back if back.startswith("/") and not back.startswith("//") else "/", 303)  # this site only
        response.set_cookie("reviewer", request.form.get("name", "").strip()[:60] or reviewer, samesite="Strict")
        return response

    return app


def _json(text: str | None) -> Any:
    """The `seen` value a form carries back."""
    if text is None:
        raise ValueError("no seen value")
    return json.loads(text)


def _int(text: str | None) -> int:
    if text is None or not text.strip().lstrip("-").isdigit():
        raise reviews.ReviewRefused("Select the evidence in the abstract first: its place was not sent.")
    return int(text)
