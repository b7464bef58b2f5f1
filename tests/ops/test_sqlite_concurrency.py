"""SQLite on one machine: authors saving while readers read never see "database is locked".

Separate processes (like gunicorn workers) share one database file with the project's settings:
WAL (readers do not block the writer), a busy timeout (a writer waits for another), and
IMMEDIATE transactions (a transaction that reads before it writes takes the write lock at BEGIN,
so it cannot fail on upgrading its lock, which the busy timeout does not cover).
"""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
WRITERS, POSTS_PER_WRITER = 3, 20
READERS, PAGES_PER_READER = 3, 30

pytestmark = pytest.mark.skipif(
    bool(os.environ.get("DATABASE_URL")),
    reason="SQLite settings under test; the suite's SQLite run covers it",
)

WORKER = """
import sys, time
from pathlib import Path
import django
django.setup()
from django.db import transaction
from django.test import Client
from django.contrib.auth import get_user_model
from blog.models import Post

role, number, count, folder = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), Path(sys.argv[4])
(folder / f"ready-{role}-{number}").touch()
while not (folder / "go").exists():  # start together, so the work really overlaps
    time.sleep(0.01)

if role == "writer":
    author, _ = get_user_model().objects.get_or_create(username=f"author{number}")
    for n in range(count):
        # Read, then write, in one transaction: the pattern that deadlocks deferred transactions.
        with transaction.atomic():
            before = Post.objects.filter(author=author).count()
            post = Post.objects.create(
                title=f"Essay {number}-{n}",
                body=f"Draft {before}.\\n\\nhttps://www.youtube.com/watch?v=4JkIs37a2JE\\n",
                author=author,
                status=Post.Status.PUBLISHED,
            )
            post.tags.set([f"writer-{number}", "shared"])
        post.body += "\\n\\nEdited."
        post.save()
else:
    client, seen = Client(HTTP_HOST="127.0.0.1"), []
    for n in range(count):
        response = client.get("/")
        assert response.status_code == 200, response.status_code
        seen.append(Post.objects.published().count())
        if n % 5 == 0:
            assert client.get("/tags/shared/").status_code in (200, 404)
    assert seen == sorted(seen), f"readers saw posts disappear: {seen}"
print(f"{role} {number} done")
"""


def start(code: str, args: list[str], env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", code, *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
    )


def test_concurrent_writers_and_readers_never_see_a_locked_database(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "CLOSER_TESTING")}
    env.update(
        DEBUG="true",
        CLOSER_VAR_DIR=str(tmp_path),
        DJANGO_SETTINGS_MODULE="config.settings",
        LOG_LEVEL="WARNING",
    )
    migrate = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--verbosity", "0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert migrate.returncode == 0, migrate.stderr

    workers = [
        start(WORKER, ["writer", str(n), str(POSTS_PER_WRITER), str(tmp_path)], env)
        for n in range(WRITERS)
    ]
    workers += [
        start(WORKER, ["reader", str(n), str(PAGES_PER_READER), str(tmp_path)], env)
        for n in range(READERS)
    ]
    deadline = time.monotonic() + 120  # a bound, not a measurement
    while len(list(tmp_path.glob("ready-*"))) < len(workers) and time.monotonic() < deadline:
        if any(worker.poll() is not None for worker in workers):
            break
        time.sleep(0.02)
    (tmp_path / "go").touch()

    results = []
    for worker in workers:
        try:
            out, err = worker.communicate(timeout=max(1, deadline - time.monotonic()) + 60)
        except subprocess.TimeoutExpired:
            worker.kill()
            out, err = worker.communicate()
        results.append((worker.returncode, out, err))

    errors = "\n".join(err for _code, _out, err in results)
    assert "database is locked" not in errors
    assert [code for code, _out, _err in results] == [0] * len(workers), errors

    count = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from blog.models import Post; "
            "print(Post.objects.published().count(), Post.objects.filter(body__endswith='Edited.').count())",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert count.stdout.split() == [str(WRITERS * POSTS_PER_WRITER)] * 2, count.stderr


def test_the_settings_that_make_it_work(tmp_path):
    """WAL is a property of the file, IMMEDIATE and the timeout of each connection."""
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
        pytest.skip("the suite runs on another database")
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "CLOSER_TESTING")}
    env.update(DEBUG="true", CLOSER_VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="config.settings")
    code = (
        "import django; django.setup(); from django.db import connection; "
        "c = connection.cursor(); "
        "print(c.execute('PRAGMA journal_mode').fetchone()[0], "
        "c.execute('PRAGMA busy_timeout').fetchone()[0], "
        "c.execute('PRAGMA foreign_keys').fetchone()[0], "
        "connection.transaction_mode)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.stdout.split() == ["wal", "20000", "1", "IMMEDIATE"], result.stderr
