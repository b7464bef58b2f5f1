"""Gunicorn settings for Closer (`make serve`, or `gunicorn -c config/gunicorn.conf.py`).

Every value can be changed from the environment; the defaults suit one small machine.
See the README section "Running in production".
"""

import multiprocessing
import os

from config.logging import logging_config

wsgi_app = "config.wsgi:application"

# Listen where the platform says (PORT) or on an explicit address; behind a proxy on the same
# machine keep 127.0.0.1, in a container use GUNICORN_BIND=0.0.0.0:8000.
bind = os.environ.get("GUNICORN_BIND") or f"127.0.0.1:{os.environ.get('PORT', '8000')}"

# Sync workers with a few threads each: pages are rendered from the database and cache, and
# threads keep a slow client from holding a whole process. WEB_CONCURRENCY is the usual knob.
workers = int(os.environ.get("WEB_CONCURRENCY", min(2 * multiprocessing.cpu_count() + 1, 8)))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
worker_class = "gthread"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5

# Recycle workers now and then so a slow leak cannot grow without bound, but rarely: a new
# worker starts Django again and, with the local-memory cache, every page cold. At 2,000 a
# cached site restarted each worker every few seconds under load (warm p99 0.2-0.6 s).
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "100000"))
max_requests_jitter = max_requests // 10

# The proxy in front (nginx, a load balancer) may set X-Forwarded-* headers; gunicorn only
# believes them from these addresses. Django also needs SECURE_PROXY_SSL_HEADER=true.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# Logs: access and error lines as JSON on stdout, like Django's own (config/logging.py).
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
logconfig_dict = logging_config(
    fmt=os.environ.get("LOG_FORMAT", "json"), level=os.environ.get("LOG_LEVEL", "INFO").upper()
)

# Gunicorn's control socket lives at one fixed path per user, which clashes when several sites
# (or test runs) share a machine; turn it on with GUNICORN_CONTROL_SOCKET=<path> if you use it.
control_socket = os.environ.get("GUNICORN_CONTROL_SOCKET", "")
control_socket_disable = not control_socket
if not control_socket:
    del control_socket

# Uploads are written to the temporary folder; keep it in memory when the platform allows.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
