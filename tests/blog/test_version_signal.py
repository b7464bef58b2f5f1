"""How a cached page learns the content version: SQLite's change signal, PostgreSQL's one trip.

These tests commit for real (transactional_db): the remembered version is only used outside
transactions, where other threads and processes make their changes.
"""

import subprocess
import sys
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection, connections, transaction
from django.utils import timezone
from test_page_cache import fetch, text

from blog import page_cache
from blog.models import ContentVersion, Post
from core.change_signal import ChangeSignal

pytestmark = pytest.mark.django_db(transaction=True)

on_sqlite = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's change signal")
ROOT = Path(__file__).resolve().parents[2]


def in_another_thread(work):
    """Run work() on another thread, with its own database connection, as another request."""
    failures = []

    def run():
        try:
            work()
        except Exception as error:  # handed back to the test
            failures.append(error)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(30)
    assert not thread.is_alive()
    if failures:
        raise failures[0]


@on_sqlite
def test_a_cached_page_costs_no_query_while_nothing_changes(client, make_post):
    make_post(title="Still here")
    first, _ = fetch(client, "/")
    fetch(client, "/")  # reads the version row, remembers it
    again, cost = fetch(client, "/")
    assert cost == 0
    assert again.content == first.content and "Still here" in text(again)


@on_sqlite
def test_a_change_committed_by_another_thread_shows_at_once(client, make_post):
    post = make_post(title="Before")
    fetch(client, "/")
    fetch(client, "/")
    assert fetch(client, "/")[1] == 0

    def edit():
        with transaction.atomic():
            Post.objects.filter(pk=post.pk).update(title="After")
            page_cache.content_version_bump()

    in_another_thread(edit)
    response, cost = fetch(client, "/")
    assert "After" in text(response) and "Before" not in text(response)
    assert cost > 1  # the row read again, and the page rendered afresh


@on_sqlite
def test_a_rolled_back_change_is_never_remembered(client, make_post):
    post = make_post(title="Kept")
    fetch(client, "/")
    committed = page_cache.current_version()
    with pytest.raises(RuntimeError), transaction.atomic():
        post.title = "Thrown away"
        post.save()
        # Inside the transaction the writer sees its own, uncommitted version ...
        assert page_cache.current_version().generation > committed.generation
        raise RuntimeError("roll back")
    # ... which nobody may keep: outside it, the committed one, and the page as it was.
    assert page_cache.current_version() == committed
    assert "Kept" in text(client.get("/")) and "Thrown away" not in text(client.get("/"))
    post.title = "Saved for real"
    post.save()
    assert "Saved for real" in text(client.get("/"))


@on_sqlite
def test_a_row_changed_behind_djangos_back_shows_within_a_second(client, make_post, monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(page_cache, "_monotonic", lambda: now[0])
    make_post(title="Old")
    fetch(client, "/")  # remembered at 1000.0, until 1001.0
    assert fetch(client, "/")[1] == 0
    # As a row edited by hand: neither signals nor the bump, so the signal stays as it was.
    ContentVersion.objects.update(generation=ContentVersion.objects.get().generation + 1)
    assert fetch(client, "/")[1] == 0  # within the second: the version it remembered
    now[0] += page_cache.VERSION_MEMO_SECONDS
    response, cost = fetch(client, "/")
    assert cost > 1  # the row read again: a new generation, so a page rendered afresh
    assert response.headers["ETag"] == page_cache.current_version().etag


@on_sqlite
def test_a_scheduled_essay_appears_at_its_time_with_the_version_remembered(
    client, make_post, monkeypatch
):
    at = [timezone.now()]
    monkeypatch.setattr(timezone, "now", lambda: at[0])
    make_post(title="Out now")
    make_post(title="Out later", published_at=at[0] + timedelta(hours=1))
    fetch(client, "/")
    fetch(client, "/")
    assert "Out later" not in text(client.get("/"))
    at[0] += timedelta(hours=2)
    assert "Out later" in text(client.get("/"))


@on_sqlite
def test_flush_moves_the_signal(db):
    signal = page_cache._change_signal()
    before = signal.read()
    call_command("flush", interactive=False, verbosity=0)
    assert signal.read() != before


def test_a_change_signal_file_is_shared_with_other_processes(tmp_path):
    path = tmp_path / "closer.sqlite3-closer-version"
    here, also_here = ChangeSignal(path), ChangeSignal(path)
    seen = here.read()
    also_here.bump()
    assert here.read() != seen
    seen = here.read()
    subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from core.change_signal import ChangeSignal; "
            "ChangeSignal(sys.argv[1]).bump()",
            str(path),
        ],
        cwd=ROOT,
        check=True,
        timeout=60,
    )
    assert here.read() != seen and len(here.read()) == 8


@on_sqlite
def test_no_place_for_the_signal_means_reading_the_row(client, make_post, monkeypatch, caplog):
    def refuse(self):
        raise PermissionError("a read-only folder")

    monkeypatch.setattr(ChangeSignal, "read", refuse)
    page_cache._signals.clear()
    try:
        make_post(title="Served all the same")
        first, _ = fetch(client, "/")
        again, cost = fetch(client, "/")
        assert cost == 1 and again.content == first.content
        assert "Served all the same" in text(again)
        assert "every page reads the version row" in caplog.text
    finally:
        page_cache._signals.clear()


@pytest.mark.skipif(connection.vendor == "sqlite", reason="other databases only")
def test_other_databases_read_the_version_row_for_every_page(client, make_post):
    """PostgreSQL may serve several hosts, which no file on one of them can tell apart."""
    make_post(title="Served")
    fetch(client, "/")
    assert page_cache._change_signal() is None
    assert fetch(client, "/")[1] == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's health check")
def test_postgres_reopens_a_connection_the_server_dropped(client, make_post, settings):
    """The version query is the connection's health check: a restarted server costs no 500."""
    settings.DEBUG_PROPAGATE_EXCEPTIONS = False
    make_post(title="Still served")
    fetch(client, "/")
    assert connection.health_check_enabled
    connection.close_at = None  # kept between requests, as in production (CONN_MAX_AGE)
    pid = connection.connection.info.backend_pid
    with psycopg_admin() as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [pid])
    # What request_started does in production (the test client leaves it out).
    connection.close_if_unusable_or_obsolete()
    response = client.get("/?after-the-restart")
    assert response.status_code == 200 and "Still served" in text(response)
    assert connection.connection.info.backend_pid != pid


def psycopg_admin():
    import psycopg

    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    return psycopg.connect(**params, autocommit=True)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's health check")
def test_postgres_a_cached_page_makes_one_round_trip(client, make_post, monkeypatch):
    make_post(title="One trip")
    fetch(client, "/")
    checks = []
    monkeypatch.setattr(connection, "is_usable", lambda: checks.append(1) or True)
    connection.close_if_unusable_or_obsolete()  # a new request: the health check is due
    response, cost = fetch(client, "/")
    assert cost == 1 and "One trip" in text(response)
    assert checks == []  # no SELECT 1 before the version query: it was the check
    assert connection.health_check_done
