"""Benchmark the reader pages on a real gunicorn (`make bench`).

Builds a throwaway site (migrate, the demo content, collectstatic) in a temporary folder, starts
gunicorn with config/gunicorn.conf.py and production settings on 127.0.0.1, then sends a fixed
number of requests per page from a few client threads over keep-alive connections, and prints
requests per second and latency percentiles. Figures only: nothing here passes or fails.

    .venv/bin/python bench/run.py [--requests 400] [--concurrency 4] [--workers 2]
                                   [--database-url postgres://...] [--redis-url redis://...]
"""

import argparse
import http.client
import os
import re
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGES = {
    "home": "/",
    "post": "/posts/the-room-that-moves-virtual-insanity/",
    "tag": "/tags/jonathan-glazer/",
    "healthz": "/healthz",
}
SETUP = """
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
call_command("load_demo", verbosity=0)
call_command("collectstatic", interactive=False, verbosity=0)
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=400, help="per page [400]")
    parser.add_argument("--concurrency", type=int, default=4, help="client threads [4]")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers [2]")
    parser.add_argument("--threads", type=int, default=4, help="threads per worker [4]")
    parser.add_argument(
        "--database-url", default="", help="an empty database, left filled [a fresh SQLite file]"
    )
    parser.add_argument("--redis-url", default="", help="[local-memory cache]")
    options = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="closer-bench-") as var_dir:
        env = _environment(var_dir, options)
        print(f"Setting up a demo site in {var_dir} ...", flush=True)
        subprocess.run([sys.executable, "-c", SETUP], cwd=ROOT, env=env, check=True)
        server, port = _start_gunicorn(env)
        try:
            _report(port, options)
        finally:
            server.terminate()
            server.wait(30)
            if options.redis_url:
                _forget_cache(options.redis_url, env["CACHE_KEY_PREFIX"])


def _forget_cache(url: str, prefix: str) -> None:
    """Remove the keys this run left in Redis."""
    import redis

    client = redis.Redis.from_url(url)
    keys = list(client.scan_iter(f"{prefix}:*"))
    if keys:
        client.delete(*keys)


def _environment(var_dir: str, options) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DEBUG", "DATABASE_URL", "REDIS_URL", "CLOSER_TESTING")
        and not k.startswith("S3_")
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        CLOSER_VAR_DIR=var_dir,
        SECRET_KEY=secrets.token_urlsafe(50),
        SITE_URL="http://127.0.0.1",
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="false",  # plain HTTP on the loopback, no TLS proxy here
        GUNICORN_BIND="127.0.0.1:0",
        WEB_CONCURRENCY=str(options.workers),
        GUNICORN_THREADS=str(options.threads),
    )
    if options.database_url:
        env["DATABASE_URL"] = options.database_url
    if options.redis_url:
        env["REDIS_URL"] = options.redis_url
        env["CACHE_KEY_PREFIX"] = f"closer-bench-{secrets.token_hex(4)}"
    return env


def _start_gunicorn(env: dict[str, str]) -> tuple[subprocess.Popen, int]:
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    server = subprocess.Popen(
        [gunicorn, "--config", "config/gunicorn.conf.py"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    port, started = [], threading.Event()

    def read():
        # Read every line (the access log too) so a full pipe never stalls the server.
        for line in server.stdout:
            if match := re.search(r"Listening at: http://127\.0\.0\.1:(\d+)", line):
                port.append(int(match.group(1)))
                started.set()

    threading.Thread(target=read, daemon=True).start()
    if not started.wait(60):
        server.kill()
        raise SystemExit("gunicorn did not start within a minute")
    return server, port[0]


def _report(port: int, options) -> None:
    print(
        f"gunicorn: {options.workers} workers x {options.threads} threads; "
        f"{options.concurrency} client threads; {options.requests} requests per page; "
        f"database: {'PostgreSQL' if options.database_url else 'SQLite'}; "
        f"cache: {'Redis' if options.redis_url else 'local memory'}"
    )
    print(f"{'page':<8} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'bytes':>8}")
    for name, path in PAGES.items():
        _load(port, path, 20, 2)  # warm up: imports, connections, template caches
        latencies, wall, size = _load(port, path, options.requests, options.concurrency)
        latencies.sort()
        p95 = latencies[int(len(latencies) * 0.95) - 1]
        print(
            f"{name:<8} {len(latencies) / wall:>8.1f} {statistics.median(latencies):>8.1f} "
            f"{p95:>8.1f} {latencies[-1]:>8.1f} {size:>8}"
        )


def _load(port: int, path: str, total: int, concurrency: int):
    """Send total GETs for path from concurrency threads; return latencies (ms), wall time, size."""
    latencies: list[float] = []
    sizes: list[int] = []
    lock = threading.Lock()
    per_thread = [
        total // concurrency + (1 if n < total % concurrency else 0) for n in range(concurrency)
    ]

    def client(count: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine = []
        for _ in range(count):
            start = time.perf_counter()
            connection.request("GET", path, headers={"Host": "127.0.0.1"})
            response = connection.getresponse()
            body = response.read()
            mine.append((time.perf_counter() - start) * 1000)
            if response.status != 200:
                raise SystemExit(f"{path} answered {response.status}")
        connection.close()
        with lock:
            latencies.extend(mine)
            sizes.append(len(body))

    threads = [threading.Thread(target=client, args=(n,)) for n in per_thread if n]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, time.perf_counter() - start, max(sizes)


if __name__ == "__main__":
    main()
