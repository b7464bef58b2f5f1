"""End to end with a real task worker: gunicorn and `manage.py db_worker` as separate processes
on one database, the suite's own kind (a SQLite file in the SQLite run, a fresh PostgreSQL
database in the PostgreSQL run), and a fake provider on 127.0.0.1.

The issue's measured requirement is here: with a provider that takes 10 s to answer, an admin
save returns in under 2 s (a regression waits at least 10 s, so the margin is wide), and another
editor's save and a login at the same time succeed.
"""

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from fake_provider import FakeProvider, bytes_answer, image_bytes, json_answer, slow_answer
from lxml import html as lxml_html

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "a-long-test-password-1"
SLOW_SECONDS = 10
# Video ids the fake provider answers slowly; every other id gets a prompt answer.
SLOW_IDS = ("aaaaaaaaaa1", "aaaaaaaaaa2", "aaaaaaaaaa3", "aaaaaaaaaa4")

SETTINGS_MODULE = """
import os
from config.settings import *  # noqa: F403

provider = os.environ["E2E_PROVIDER_URL"]
CLOSER_OEMBED_ENDPOINTS = {
    name: f"{provider}/oembed/{name}" for name in ("youtube", "vimeo", "dailymotion")
}
# Long enough that the worker really sits waiting on the slow provider.
CLOSER_OEMBED_TIMEOUT = 15
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fresh_postgres_database():
    """Return (url, drop) for a new database on the server the suite uses."""
    import psycopg

    db = settings.DATABASES["default"]
    where = f"{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    admin = psycopg.connect(
        f"postgresql://{where}/postgres", password=db["PASSWORD"] or None, autocommit=True
    )
    name = f"closer_worker_{uuid.uuid4().hex[:10]}"
    admin.execute(f'CREATE DATABASE "{name}"')

    def drop():
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()

    password = f":{urllib.parse.quote(db['PASSWORD'])}" if db["PASSWORD"] else ""
    user, host = where.split("@")
    return f"postgres://{user}{password}@{host}/{name}", drop


def oembed_for(provider):
    """Answer oEmbed at once for most videos, after SLOW_SECONDS for the SLOW_IDS."""

    def answer(handler):
        video_url = handler.query().get("url", [""])[0]
        video_id = urllib.parse.parse_qs(urllib.parse.urlsplit(video_url).query).get("v", [""])[0]
        data = {"title": f"Title of {video_id}", "thumbnail_url": f"{provider.url}/poster.jpg"}
        if video_id in SLOW_IDS:
            slow_answer(SLOW_SECONDS, json_answer(data))(handler)
        else:
            json_answer(data)(handler)

    return answer


class Browser:
    """A staff member's session over plain HTTP, cookies and CSRF included; no redirects."""

    class _NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    def __init__(self, base: str):
        self.base = base
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), self._NoRedirect
        )

    def request(self, path: str, data: dict | None = None) -> tuple[int, str]:
        status, content = self.request_bytes(path, data)
        return status, content.decode(errors="replace")

    def request_bytes(self, path: str, data: dict | None = None) -> tuple[int, bytes]:
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        try:
            with self.opener.open(self.base + path, data=body, timeout=60) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    def form(self, path: str, form_id: str) -> dict:
        """Return what the form on the page would submit untouched."""
        status, page = self.request(path)
        assert status == 200, page[:500]
        form = (
            lxml_html.fromstring(page).get_element_by_id(form_id)
            if form_id
            else lxml_html.fromstring(page).forms[0]
        )
        data = {}
        for field in form.inputs:
            kind = field.get("type")
            if not field.name or kind in ("submit", "file", "button"):
                continue
            if kind == "checkbox":
                if field.checked:
                    data[field.name] = field.value or "on"
                continue
            data[field.name] = "" if field.value is None else field.value
        return data

    def login(self, username: str) -> int:
        data = self.form("/admin/login/", "login-form")
        data.update(username=username, password=PASSWORD, next="/admin/")
        return self.request("/admin/login/?next=/admin/", data)[0]

    def add_post(self, title: str, body: str) -> tuple[int, float]:
        """Save a new published post through the admin; return the status and the seconds."""
        data = self.form("/admin/blog/post/add/", "post_form")
        data.update(title=title, body=body, status="published")
        started = time.monotonic()
        status, page = self.request("/admin/blog/post/add/", data)
        elapsed = time.monotonic() - started
        assert status == 302, page[:2000]
        return status, elapsed


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """Start the fake provider, then gunicorn and a task worker on a fresh database."""
    folder = tmp_path_factory.mktemp("worker-site")
    (folder / "e2e_settings.py").write_text(SETTINGS_MODULE)
    provider = FakeProvider().start()
    provider.on("/oembed/youtube", oembed_for(provider))
    provider.on("/poster.jpg", bytes_answer(image_bytes()))

    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "CLOSER_TESTING")}
    port = free_port()
    env.update(
        DEBUG="true",
        CLOSER_VAR_DIR=str(folder),
        DJANGO_SETTINGS_MODULE="e2e_settings",
        PYTHONPATH=os.pathsep.join([str(folder), str(ROOT)]),
        E2E_PROVIDER_URL=provider.url,
        TASKS_BACKEND="database",
        LOG_LEVEL="WARNING",
        GUNICORN_BIND=f"127.0.0.1:{port}",
        WEB_CONCURRENCY="2",
        GUNICORN_THREADS="2",
    )
    drop = None
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
        env["DATABASE_URL"], drop = fresh_postgres_database()

    def manage(*args, timeout=180):
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        assert result.returncode == 0, result.stderr
        return result.stdout

    processes = []
    try:
        manage("migrate", "--verbosity", "0")
        manage(
            "shell",
            "-c",
            "from django.contrib.auth.models import User\n"
            "for name in ('author', 'editor', 'reader'):\n"
            f"    User.objects.create_superuser(name, password='{PASSWORD}')",
        )
        logs = {name: open(folder / f"{name}.log", "w") for name in ("web", "worker")}  # noqa: SIM115
        for name, command in (
            (
                "web",
                [str(Path(sys.executable).parent / "gunicorn"), "-c", "config/gunicorn.conf.py"],
            ),
            (
                "worker",
                [
                    sys.executable,
                    "manage.py",
                    "db_worker",
                    "--no-reload",
                    "--no-startup-delay",
                    "--interval",
                    "0.2",
                ],
            ),
        ):
            processes.append(
                subprocess.Popen(
                    command,
                    cwd=ROOT,
                    env=env,
                    stdout=logs[name],
                    stderr=subprocess.STDOUT,
                    stdin=subprocess.DEVNULL,
                )
            )
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(base + "/healthz", timeout=15):
                    break
            except OSError:  # refused, reset or timed out while gunicorn starts
                assert time.monotonic() < deadline, (folder / "web.log").read_text()
                time.sleep(0.2)
        yield {"base": base, "provider": provider, "folder": folder}
        for name, log in logs.items():
            log.close()
            text = (folder / f"{name}.log").read_text()
            assert "database is locked" not in text, text
            assert "Traceback" not in text, text
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        provider.stop()
        if drop:
            drop()


def test_a_saved_post_gets_its_poster_from_the_worker(site):
    author = Browser(site["base"])
    assert author.login("author") == 302
    author.add_post("A fast provider", "Watch:\n\nhttps://www.youtube.com/watch?v=dQw4w9WgXcQ\n")

    deadline = time.monotonic() + 60  # a bound on a busy machine, not a measurement
    while True:
        status, page = author.request("/posts/a-fast-provider/")
        assert status == 200
        posters = re.findall(r'src="(/media/videos/posters/youtube/dQw4w9WgXcQ-[^"]+)"', page)
        if posters or time.monotonic() > deadline:
            break
        # Until the worker is done the page shows the neutral poster.
        assert "video-poster-empty" in page
        time.sleep(0.3)
    assert posters, (site["folder"] / "worker.log").read_text()
    assert "Title of dQw4w9WgXcQ" in page
    status, poster = author.request_bytes(posters[0])
    assert status == 200 and poster.startswith(b"\xff\xd8")  # our own JPEG, from the site


def test_a_save_does_not_wait_on_a_slow_provider_nor_block_another_editor(site):
    author, editor, reader = Browser(site["base"]), Browser(site["base"]), Browser(site["base"])
    assert author.login("author") == 302 and editor.login("editor") == 302
    body = "\n\n".join(f"https://www.youtube.com/watch?v={video_id}" for video_id in SLOW_IDS)
    results = {}

    def save(browser, name, title, text):
        results[name] = browser.add_post(title, text)

    threads = [
        threading.Thread(target=save, args=(author, "author", "Four slow videos", body)),
        threading.Thread(target=save, args=(editor, "editor", "Meanwhile", "Another essay.")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    status, seconds = results["author"]
    print(f"admin save, 4 videos, provider answering in {SLOW_SECONDS} s: {seconds:.2f} s")
    assert seconds < 2, f"the admin save took {seconds:.1f} s"
    assert results["editor"][0] == 302

    # While the worker waits on the slow provider, others still save and log in.
    provider = site["provider"]

    def asked_slowly():
        return [url for url in provider.requests if any(i in url for i in SLOW_IDS)]

    deadline = time.monotonic() + 30
    while not asked_slowly() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert asked_slowly(), (site["folder"] / "worker.log").read_text()
    assert editor.add_post("Edited meanwhile", "Saved while the worker fetches.")[0] == 302
    assert reader.login("reader") == 302
    # The page already works, with neutral posters for the videos still on their way.
    status, page = reader.request("/posts/four-slow-videos/")
    assert status == 200 and "video-poster-empty" in page
