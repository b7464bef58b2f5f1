"""Benchmark the reader pages against the framework's floor (`make bench`).

For each size (100 essays, then 10,000): load the generated site (bench/dataset.py: ~1,200 words,
2 videos and 3–6 of 1,000 tags per essay) into a database built once and kept under var/bench/
(keyed by the generator version, the size and the migrations, so a schema change rebuilds it),
count each page's queries and bytes (bench/probe.py), serve the site with gunicorn
(config/gunicorn.conf.py) and production settings, and measure every page type with wrk
(Debian's package, installed with apt-get when missing): cold (every request its own query
string, so no cached page can answer, but the parts of pages kept at this content version
do), warm (one URL, primed) and, for the large site, uncached (the page cache off, so every
page and part is rendered afresh: what the first readers after a change pay). In the same run the same
gunicorn serves bench/floor.py, a bare Django view returning a page as large as the post page:
every figure is also printed as a ratio of the floor's. Results go to var/bench/results.md and
var/bench/results.json. Figures only: nothing here passes or fails.

    .venv/bin/python bench/run.py [--essays 10000] [--small 100] [--duration 4]
                                  [--connections 16] [--workers 2] [--threads 4]
                                  [--database-url postgres://.../closer_bench] [--redis-url ...]

With --database-url the data lives in PostgreSQL databases named <name>_v<version>_<hash>_<size>,
created (and kept) next to the given one.
"""

import argparse
import hashlib
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "var" / "bench"
WRK_SCRIPT = Path(__file__).with_name("wrk.lua")
SETUP = """
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
call_command("collectstatic", interactive=False, verbosity=0)
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--essays", type=int, default=10_000, help="the large site [10000]")
    parser.add_argument("--small", type=int, default=100, help="the small site, for growth [100]")
    parser.add_argument("--duration", type=int, default=4, help="seconds per wrk run [4]")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections [16]")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers [2]")
    parser.add_argument("--threads", type=int, default=4, help="threads per worker [4]")
    parser.add_argument("--database-url", default="", help="PostgreSQL [SQLite files]")
    parser.add_argument("--redis-url", default="", help="[local-memory cache]")
    options = parser.parse_args()
    started = time.perf_counter()
    wrk = _ensure_wrk()
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    results = {"sites": {}}
    for size in dict.fromkeys([options.small, options.essays]):
        site_dir, env = _ensure_site(size, options)
        pages = json.loads((site_dir / "pages.json").read_text())
        probe = json.loads(
            subprocess.run(
                [sys.executable, "bench/probe.py", str(site_dir / "pages.json")],
                cwd=ROOT,
                env=env,
                check=True,
                capture_output=True,
                text=True,
            ).stdout.splitlines()[-1]  # the figures; the log lines (JSON too) come before them
        )
        server, port = _start_gunicorn(env, options)
        try:
            figures = {}
            for name, path in pages.items():
                print(f"  {size} essays: {name} ...", flush=True)
                figures[name] = {
                    "path": path,
                    **probe[name],
                    "cold": _wrk(wrk, port, path, cold=True, options=options),
                    "warm": _wrk(wrk, port, path, cold=False, options=options),
                }
        finally:
            _stop(server)
            if options.redis_url:
                _forget_cache(options.redis_url, env["CACHE_KEY_PREFIX"])
        if size == options.essays:
            # What the first readers after a change pay: every page and every part of it
            # rendered afresh, as with the page cache off (which also keeps no part).
            server, port = _start_gunicorn({**env, "CLOSER_PAGE_CACHE": "false"}, options)
            try:
                for name, path in pages.items():
                    print(f"  {size} essays: {name}, uncached ...", flush=True)
                    figures[name]["uncached"] = _wrk(wrk, port, path, cold=False, options=options)
            finally:
                _stop(server)
        results["sites"][size] = figures
    floor_bytes = results["sites"][options.essays]["post"]["bytes"]
    results["floor"] = _floor(wrk, floor_bytes, options)
    results["settings"] = {
        "database": "PostgreSQL" if options.database_url else "SQLite",
        "cache": "Redis" if options.redis_url else "local memory",
        "gunicorn": f"{options.workers} workers x {options.threads} threads",
        "wrk": f"{options.connections} connections, {options.duration} s per run",
        "load average at the end": os.getloadavg()[0],
        "seconds": round(time.perf_counter() - started),
    }
    report = _markdown(results, options)
    print(report)
    (BENCH_DIR / "results.md").write_text(report)
    (BENCH_DIR / "results.json").write_text(json.dumps(results, indent=2))
    print(f"Written to {BENCH_DIR / 'results.md'} and results.json.")


# --- The sites ------------------------------------------------------------------------------


def _site_key(size: int) -> str:
    """Return the generator version, a hash of the generator and migrations, and the size.

    A new migration or a changed generator means a new database; the old one stays until
    var/bench/ is removed.
    """
    generator = Path(__file__).with_name("dataset.py")
    version = re.search(r"^GENERATOR_VERSION = (\d+)", generator.read_text(), re.M).group(1)
    digest = hashlib.sha256()
    for path in [generator, *sorted(ROOT.glob("*/migrations/*.py"))]:
        digest.update(path.relative_to(ROOT).as_posix().encode())
        digest.update(path.read_bytes())
    return f"v{version}-{digest.hexdigest()[:8]}-{size}"


def _ensure_site(size: int, options) -> tuple[Path, dict[str, str]]:
    """Return the folder and environment of a site with `size` essays, building it if needed."""
    key = _site_key(size)
    site_dir = BENCH_DIR / (f"pg-{key}" if options.database_url else key)
    database_url = ""
    if options.database_url:
        base, _, name = options.database_url.rpartition("/")
        database_url = f"{base}/{name}_{key.replace('-', '_')}"
    env = _environment(str(site_dir), database_url, options)
    if (site_dir / "pages.json").exists() and (not database_url or _postgres_exists(database_url)):
        print(f"Using the {size}-essay site in {site_dir}", flush=True)
        return site_dir, env
    print(f"Building the {size}-essay site in {site_dir} (once) ...", flush=True)
    shutil.rmtree(site_dir, ignore_errors=True)
    site_dir.mkdir(parents=True)
    if database_url:
        _postgres_recreate(database_url)
    subprocess.run([sys.executable, "-c", SETUP], cwd=ROOT, env=env, check=True)
    pages = site_dir / "pages.json.partial"
    subprocess.run(
        [sys.executable, "bench/dataset.py", "--essays", str(size), "--pages-file", str(pages)],
        cwd=ROOT,
        env=env,
        check=True,
    )
    pages.rename(site_dir / "pages.json")  # last: a half-built site is never reused
    return site_dir, env


def _postgres_exists(url: str) -> bool:
    import psycopg

    name = url.rpartition("/")[2]
    with psycopg.connect(url.rpartition("/")[0] + "/postgres", autocommit=True) as connection:
        row = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        return row.fetchone() is not None


def _postgres_recreate(url: str) -> None:
    import psycopg
    from psycopg import sql

    name = url.rpartition("/")[2]
    with psycopg.connect(url.rpartition("/")[0] + "/postgres", autocommit=True) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def _environment(var_dir: str, database_url: str, options) -> dict[str, str]:
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
    if database_url:
        env["DATABASE_URL"] = database_url
    if options.redis_url:
        env["REDIS_URL"] = options.redis_url
        env["CACHE_KEY_PREFIX"] = f"closer-bench-{secrets.token_hex(4)}"
    return env


def _forget_cache(url: str, prefix: str) -> None:
    """Remove the keys this run left in Redis."""
    import redis

    client = redis.Redis.from_url(url)
    keys = list(client.scan_iter(f"{prefix}:*"))
    if keys:
        client.delete(*keys)


# --- Serving and measuring ------------------------------------------------------------------


def _ensure_wrk() -> str:
    """Return wrk's path, installing Debian's package first when it is missing."""
    if found := shutil.which("wrk"):
        return found
    print("Installing wrk (Debian package) ...", flush=True)
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run([*sudo, "apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run([*sudo, "apt-get", "install", "-y", "-qq", "wrk"], check=True, env=env)
    return shutil.which("wrk") or "/usr/bin/wrk"


def _start_gunicorn(env: dict[str, str], options, app: str = "") -> tuple[subprocess.Popen, int]:
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    server = subprocess.Popen(
        [gunicorn, "--config", "config/gunicorn.conf.py", *([app] if app else [])],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    port, started = [], threading.Event()

    def read():
        # Read every line so a full pipe never stalls the server.
        for line in server.stdout:
            if match := re.search(r"Listening at: http://127\.0\.0\.1:(\d+)", line):
                port.append(int(match.group(1)))
                started.set()

    threading.Thread(target=read, daemon=True).start()
    if not started.wait(60):
        server.kill()
        raise SystemExit("gunicorn did not start within a minute")
    return server, port[0]


def _stop(server: subprocess.Popen) -> None:
    server.terminate()
    server.wait(30)


def _wrk(wrk: str, port: int, path: str, *, cold: bool, options) -> dict:
    env = {**os.environ, "BENCH_PATH": path, "BENCH_COLD": "1" if cold else "0"}
    command = [wrk, "-t2", f"-c{options.connections}", "--timeout", "10s", "-s", str(WRK_SCRIPT)]
    url = f"http://127.0.0.1:{port}/"
    # Warm up: imports, connections, template caches (and, warm, the cached page itself).
    subprocess.run([*command, "-d1s", url], env=env, capture_output=True, check=True)
    output = subprocess.run(
        [*command, f"-d{options.duration}s", url], env=env, capture_output=True, text=True
    ).stdout
    match = re.search(r"^BENCH (\{.*\})$", output, re.M)
    if not match:
        raise SystemExit(f"wrk gave no figures for {path}:\n{output}")
    raw = json.loads(match.group(1))
    requests = max(raw["requests"], 1)
    if not raw["requests"]:  # nothing answered within the run: no figures rather than zeros
        return {"rps": 0.0, "p50_ms": None, "p99_ms": None, "wire_bytes": 0, "errors": 0}
    return {
        "rps": round(raw["requests"] / raw["seconds"], 1),
        "p50_ms": round(raw["p50_us"] / 1000, 2),
        "p99_ms": round(raw["p99_us"] / 1000, 2),
        "wire_bytes": raw["bytes"] // requests,
        "errors": raw["non_2xx"] + raw["socket_errors"],
    }


def _floor(wrk: str, size: int, options) -> dict:
    env = _environment(tempfile.gettempdir(), "", options)
    env["BENCH_FLOOR_BYTES"] = str(size)
    env.pop("DJANGO_SETTINGS_MODULE")
    server, port = _start_gunicorn(env, options, app="bench.floor:application")
    try:
        print("  the floor ...", flush=True)
        return {"bytes": size, **_wrk(wrk, port, "/", cold=False, options=options)}
    finally:
        _stop(server)


# --- Reporting ------------------------------------------------------------------------------


def _ratio(value, floor) -> str:
    return f"{value / floor:.3f}" if value and floor else "–"


def _ms(value) -> str:
    return "–" if value is None else str(value)


def _markdown(results: dict, options) -> str:
    floor = results["floor"]
    lines = [
        "# `make bench` results",
        "",
        ", ".join(f"{k}: {v}" for k, v in results["settings"].items()),
        "",
        f"Floor (bare Django view, {floor['bytes']} B, same gunicorn): {floor['rps']} req/s, "
        f"p50 {floor['p50_ms']} ms, p99 {floor['p99_ms']} ms.",
        "",
        "Ratios are page / floor (req/s: higher is better; p50, p99: lower is better).",
        "",
        '"alone": median of 5 cold requests one at a time, in process (no server). "cold": '
        "every request a new address, the parts of pages kept at this content version reused. "
        '"uncached": the page cache off, so every page and every part of it rendered afresh '
        '(what the first readers after a change pay). "–": no response within the run.',
        "",
        "Queries: cold and uncached, a first render with every cache emptied; warm, a hit.",
        "",
        "| essays | page | mode | alone ms | req/s | ×floor | p50 ms | ×floor | p99 ms | ×floor "
        "| queries | HTML bytes | ×floor | errors |",
        "|--:|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for size, pages in results["sites"].items():
        for name, page in pages.items():
            for mode in ("cold", "warm", "uncached"):
                if mode not in page:
                    continue
                run = page[mode]
                lines.append(
                    f"| {size} | {name} | {mode} | {page['alone_ms'] if mode == 'cold' else ''}"
                    f" | {run['rps']} | {_ratio(run['rps'], floor['rps'])}"
                    f" | {_ms(run['p50_ms'])} | {_ratio(run['p50_ms'], floor['p50_ms'])}"
                    f" | {_ms(run['p99_ms'])} | {_ratio(run['p99_ms'], floor['p99_ms'])}"
                    f" | {page['warm_queries' if mode == 'warm' else 'cold_queries']}"
                    f" | {page['bytes']}"
                    f" | {_ratio(page['bytes'], floor['bytes'])} | {run['errors']} |"
                )
    sizes = list(results["sites"])
    if len(sizes) == 2:
        small, large = (results["sites"][s] for s in sizes)
        lines += ["", f"Growth, time alone at {sizes[1]} / at {sizes[0]} essays:", ""]
        lines.append(
            ", ".join(
                f"{name} {_ratio(large[name]['alone_ms'], small[name]['alone_ms'])}"
                for name in large
            )
        )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
