"""Count the queries and bytes of each benchmarked page, cold (cache cleared) and warm.

    .venv/bin/python bench/probe.py pages.json      (run by bench/run.py with the site's env)

Prints one JSON object: {page: {"status", "cold_queries", "warm_queries", "bytes",
"alone_ms"}}; alone_ms is the median of five cold requests one after another in this process
(no server, no concurrency): what one reader waits for, less the network.
"""

import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402


def main() -> None:
    pages = json.loads(Path(sys.argv[1]).read_text())
    client = Client(HTTP_HOST="127.0.0.1")
    figures = {}
    for name, path in pages.items():
        cache.clear()
        with CaptureQueriesContext(connection) as cold:
            response = client.get(path)
        with CaptureQueriesContext(connection) as warm:
            client.get(path)
        # Counted now: every request (request_started) empties the connection's query log.
        cold_queries, warm_queries = len(cold), len(warm)
        timings = []
        for _ in range(5):
            cache.clear()
            start = time.perf_counter()
            client.get(path)
            timings.append((time.perf_counter() - start) * 1000)
        figures[name] = {
            "alone_ms": round(statistics.median(timings), 1),
            "status": response.status_code,
            "cold_queries": cold_queries,
            "warm_queries": warm_queries,
            "bytes": len(response.content),
        }
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
