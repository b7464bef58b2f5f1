"""Mixed reader load while an editor saves and publishes every second (`make stress`, by hand).

Two runs against gunicorn with the production settings (config/gunicorn.conf.py, 2 workers):

1. SQLite and the local-memory cache;
2. PostgreSQL and Redis (a redis-server this script starts on a free port), with Redis stopped
   for 10 s in the middle of the run.

In each, 16 client threads (persistent HTTP/1.1 connections) request every page type of the
generated site (bench/dataset.py, the 100-essay site of `make bench`, built once under
var/bench/) for 60 s — half of them with a unique query string so no cached page can answer —
while one editor, logged in through /admin/login/, adds and publishes a post through the admin
form every second. It prints requests, non-2xx answers, p50/p99 latency, saves attempted /
acknowledged / confirmed in the database / lost, and the workers' memory (RSS) at start and end.
Workers are not recycled during the run (GUNICORN_MAX_REQUESTS=0) so growth shows.

    .venv/bin/python bench/stress.py [--duration 60] [--connections 16]
                                     [--database-url postgres://postgres@127.0.0.1:5432/closer_stress]
    .venv/bin/python bench/stress.py --only sqlite   (or --only postgres)

Target: 0 unexpected 5xx, 0 lost saves, memory growth under 10 %. Exits 1 when missed.
"""

import argparse
import http.client
import json
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from types import SimpleNamespace

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run as bench  # noqa: E402  (bench/run.py: the site, the environment, gunicorn)

ROOT = bench.ROOT
EDITOR = ("stress-editor", "a-stress-test-password-1")
MAKE_EDITOR = """
import django
django.setup()
from django.contrib.auth import get_user_model
User = get_user_model()
user, _ = User.objects.get_or_create(username={name!r}, defaults={{"is_staff": True, "is_superuser": True}})
user.is_staff = user.is_superuser = True
user.set_password({password!r})
user.save()
print(user.pk)
"""
COUNT_SAVES = """
import django, sys
django.setup()
from blog.models import Post
print(Post.objects.filter(title__startswith=sys.argv[1], status="published").count())
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=60)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--essays", type=int, default=100)
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/closer_stress"
    )
    parser.add_argument("--only", choices=["sqlite", "postgres"])
    options = parser.parse_args()
    results = []
    if options.only != "postgres":
        results.append(_run("SQLite, local-memory cache", options, database_url="", redis=False))
    if options.only != "sqlite":
        results.append(
            _run("PostgreSQL + Redis, Redis stopped 10 s", options, options.database_url, True)
        )
    print(f"\nLoad average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    sys.exit(0 if all(r["met"] for r in results) else 1)


def _run(label, options, database_url, redis) -> dict:
    print(f"\n== {label} ==", flush=True)
    redis_server = None
    site_options = SimpleNamespace(database_url=database_url, redis_url="", workers=2, threads=4)
    site_dir, env = bench._ensure_site(options.essays, site_options)
    if redis:
        redis_server = RedisServer().start()
        env["REDIS_URL"] = redis_server.url
        env["CACHE_KEY_PREFIX"] = f"closer-stress-{os.getpid()}"
    env["GUNICORN_MAX_REQUESTS"] = "0"
    # Plain HTTP on the loopback (no TLS proxy here): the editor's cookies must travel over it.
    env["SESSION_COOKIE_SECURE"] = env["CSRF_COOKIE_SECURE"] = "false"
    pages = json.loads((site_dir / "pages.json").read_text())
    editor_pk = int(_django(env, MAKE_EDITOR.format(name=EDITOR[0], password=EDITOR[1])))
    server, port = bench._start_gunicorn(env, site_options)
    try:
        workers = _worker_pids(server.pid)
        for path in pages.values():  # warm up every worker a little
            for _ in range(4):
                requests.get(f"http://127.0.0.1:{port}{path}", timeout=30)
        rss_start = _rss(workers)
        stop = threading.Event()
        readers = [
            Reader(port, list(pages.values()), cold=n % 2 == 0) for n in range(options.connections)
        ]
        editor = Editor(port, editor_pk, prefix=f"Stress {int(time.time())} ")
        threads = [threading.Thread(target=r.run, args=(stop,)) for r in readers]
        threads.append(threading.Thread(target=editor.run, args=(stop,)))
        for thread in threads:
            thread.start()
        outage = None
        if redis_server:
            time.sleep(options.duration / 2 - 5)
            outage = time.monotonic()
            redis_server.stop()
            print("  Redis stopped", flush=True)
            time.sleep(10)
            redis_server.start()
            print("  Redis started again", flush=True)
            time.sleep(max(0, options.duration / 2 - 5))
        else:
            time.sleep(options.duration)
        stop.set()
        for thread in threads:
            thread.join()
        rss_end = _rss(workers)
        confirmed = int(_django(env, COUNT_SAVES, editor.prefix))
    finally:
        bench._stop(server)
        if redis_server:
            redis_server.stop()
            redis_server.remove()
    latencies = sorted(t for r in readers for t in r.latencies)
    statuses = {}
    for reader in readers:
        for status, count in reader.statuses.items():
            statuses[status] = statuses.get(status, 0) + count
    server_errors = sum(c for s, c in statuses.items() if s >= 500 or s == 0)
    non_2xx = sum(c for s, c in statuses.items() if not 200 <= s < 300)
    lost = editor.acknowledged - confirmed
    growth = (sum(rss_end) - sum(rss_start)) / max(1, sum(rss_start))
    figures = {
        "requests": len(latencies),
        "non_2xx": non_2xx,
        "5xx_or_failed": server_errors,
        "statuses": dict(sorted(statuses.items())),
        "p50_ms": _percentile(latencies, 50),
        "p99_ms": _percentile(latencies, 99),
        "saves_attempted": editor.attempted,
        "saves_acknowledged": editor.acknowledged,
        "saves_confirmed": confirmed,
        "saves_lost": lost,
        "save_failures": editor.failures[:5],
        "rss_start_mb": [round(r / 1024, 1) for r in rss_start],
        "rss_end_mb": [round(r / 1024, 1) for r in rss_end],
        "rss_growth_percent": round(100 * growth, 1),
        "redis_outage": "10 s" if outage else "none",
    }
    met = server_errors == 0 and lost == 0 and growth < 0.10
    for name, value in figures.items():
        print(f"  {name}: {value}")
    print(f"  target met: {met}", flush=True)
    return {"label": label, "met": met, **figures}


class Reader:
    def __init__(self, port, paths, *, cold):
        self.port, self.paths, self.cold = port, paths, cold
        self.latencies, self.statuses = [], {}

    def run(self, stop):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        n = 0
        while not stop.is_set():
            n += 1
            path = random.choice(self.paths)
            if self.cold:
                path += ("&" if "?" in path else "?") + f"_stress={id(self)}-{n}"
            started = time.perf_counter()
            try:
                connection.request("GET", path, headers={"Accept-Encoding": "gzip"})
                response = connection.getresponse()
                response.read()
                status = response.status
                if response.getheader("Connection", "").lower() == "close":
                    connection.close()
            except (OSError, http.client.HTTPException):
                status = 0
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            self.latencies.append(1000 * (time.perf_counter() - started))
            self.statuses[status] = self.statuses.get(status, 0) + 1


class Editor:
    """Logs in through the admin and adds a published post every second."""

    def __init__(self, port, user_pk, *, prefix):
        self.base, self.user_pk, self.prefix = f"http://127.0.0.1:{port}", user_pk, prefix
        self.attempted = self.acknowledged = 0
        self.failures = []

    def run(self, stop):
        session = requests.Session()
        session.get(f"{self.base}/admin/login/", timeout=30)
        login = session.post(
            f"{self.base}/admin/login/",
            {"username": EDITOR[0], "password": EDITOR[1], "next": "/admin/"},
            headers={"X-CSRFToken": session.cookies["csrftoken"], "Referer": self.base + "/"},
            timeout=30,
        )
        if "sessionid" not in session.cookies:
            self.failures.append(f"login: HTTP {login.status_code}")
        while not stop.is_set():
            started = time.monotonic()
            self.attempted += 1
            try:
                self._save(session, self.attempted)
            except (requests.RequestException, KeyError) as error:
                self.failures.append(f"{self.attempted}: {error}")
            time.sleep(max(0, 1 - (time.monotonic() - started)))

    def _save(self, session, n):
        form = session.get(f"{self.base}/admin/blog/post/add/", timeout=30)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
        response = session.post(
            f"{self.base}/admin/blog/post/add/",
            {
                "csrfmiddlewaretoken": token,
                "title": f"{self.prefix}{n}",
                "slug": f"stress-{int(time.time())}-{n}",
                "body": f"Save number {n}.\n\nhttps://youtu.be/dQw4w9WgXcQ\n",
                "body_format": "markdown",
                "excerpt": "",
                "tags": "stress, load",
                "status": "published",
                "published_at_0": "",
                "published_at_1": "",
                "featured_image_alt": "",
                "author": self.user_pk,
                "video_attachments-TOTAL_FORMS": "0",
                "video_attachments-INITIAL_FORMS": "0",
                "video_attachments-MIN_NUM_FORMS": "0",
                "video_attachments-MAX_NUM_FORMS": "1000",
            },
            headers={"Referer": f"{self.base}/admin/blog/post/add/"},
            allow_redirects=False,
            timeout=30,
        )
        if response.status_code == 302 and "/add/" not in response.headers.get("Location", ""):
            self.acknowledged += 1
        else:
            self.failures.append(f"{n}: HTTP {response.status_code}")


class RedisServer:
    def __init__(self):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.dir = tempfile.mkdtemp(prefix="closer-stress-redis-")
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", self.dir],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return self
            except OSError:
                time.sleep(0.05)
        raise SystemExit("redis-server did not start")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)

    def remove(self):
        shutil.rmtree(self.dir, ignore_errors=True)


def _django(env, code, *args) -> str:
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=ROOT, env=env, check=True, capture_output=True, text=True,
    ).stdout.strip()  # fmt: skip


def _worker_pids(master: int) -> list[int]:
    for _ in range(100):
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
        if len(children) >= 2:
            return [int(pid) for pid in children]
        time.sleep(0.1)
    return [int(pid) for pid in children]


def _rss(pids) -> list[int]:
    """Resident memory of each worker in KiB (0 for one that is gone)."""
    sizes = []
    for pid in pids:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
            sizes.append(int(re.search(r"VmRSS:\s+(\d+)", status).group(1)))
        except (OSError, AttributeError):
            sizes.append(0)
    return sizes


def _percentile(values, p) -> float:
    if not values:
        return 0.0
    return round(values[min(len(values) - 1, int(len(values) * p / 100))], 1)


if __name__ == "__main__":
    main()
