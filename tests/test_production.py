"""Production as an operator runs it: the deploy check, gunicorn with config/gunicorn.conf.py in
front of a fresh database, its headers, cookies, static files and logs; /healthz."""

import http.client
import json
import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
SECRET = "x7Hq2-production-test-key-Vb9wLm4Rt8Zp1Kd6Ns3Yc5Gf0Ja-Ue2Qo7Xi"
HOST = "closer.example.com"
ADMIN_PASSWORD = "a-long-production-password-42"


def production_env(var_dir: Path, **extra: str) -> dict[str, str]:
    """Return an environment like an operator's: production settings, a private var folder."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DATABASE_", "REDIS_", "S3_", "SECURE_", "DJANGO_", "CLOSER_"))
        and k not in ("DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "SITE_URL", "LOG_FORMAT")
    }
    env.update(
        SECRET_KEY=SECRET,
        SITE_URL=f"https://{HOST}",
        ALLOWED_HOSTS=f"{HOST},127.0.0.1",
        CLOSER_VAR_DIR=str(var_dir),
        **extra,
    )
    return env


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        args,
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        stdin=subprocess.DEVNULL,
    )


SCALED_OUT = {
    "DATABASE_URL": "postgres://closer:pw@db.internal:5432/closer",
    "REDIS_URL": "redis://cache.internal:6379/0",
    "S3_BUCKET": "closer-media",
    "S3_PUBLIC_URL": "https://media.closer.example.com",
    "SECURE_PROXY_SSL_HEADER": "true",
}


@pytest.mark.slow
@pytest.mark.parametrize("extra", [{}, SCALED_OUT], ids=["one-machine", "scaled-out"])
def test_deploy_check_reports_nothing(tmp_path, extra):
    result = run(
        [PYTHON, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        production_env(tmp_path, **extra),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.slow
def test_healthz_reports_a_database_that_does_not_answer(tmp_path):
    # Port 1 on this machine: nothing listens, so the connection is refused at once.
    code = (
        "import django; django.setup(); from django.test import Client; "
        "r = Client().get('/healthz', HTTP_HOST='127.0.0.1'); print(r.status_code, r.content.decode())"
    )
    env = production_env(
        tmp_path, DATABASE_URL="postgres://closer@127.0.0.1:1/closer", SECURE_SSL_REDIRECT="false"
    )
    env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    result = run([PYTHON, "-c", code], env)
    assert result.returncode == 0, result.stderr
    status, body = result.stdout.strip().splitlines()[-1].split(" ", 1)
    assert status == "503"
    answer = json.loads(body)
    assert answer["status"] == "unavailable"
    assert answer["checks"]["database"].startswith("failed: ")
    assert answer["checks"]["cache"] == "ok"
    assert "closer@" not in body  # no connection details leak


SETUP = f"""
import django
django.setup()
from django.core.management import call_command
from django.contrib.auth import get_user_model
call_command("migrate", verbosity=0)
call_command("load_demo", verbosity=0)
call_command("collectstatic", interactive=False, verbosity=0)
get_user_model().objects.create_superuser("boss", password="{ADMIN_PASSWORD}")
"""


class Gunicorn:
    """A gunicorn started with the project's config file; its stdout kept line by line."""

    def __init__(self, env: dict[str, str]):
        self.lines: list[str] = []
        self.listening = threading.Event()
        self.process = subprocess.Popen(
            [GUNICORN, "--config", "config/gunicorn.conf.py"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            text=True,
        )
        self.port = None
        threading.Thread(target=self._read, daemon=True).start()
        if not self.listening.wait(60):
            self.stop()
            pytest.fail("gunicorn did not start:\n" + "\n".join(self.lines))

    def _read(self):
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))
            if match := re.search(r"Listening at: http://127\.0\.0\.1:(\d+)", line):
                self.port = int(match.group(1))
                self.listening.set()

    def request(self, method, path, *, https=True, headers=None, body=None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        sent = {"Host": HOST, **({"X-Forwarded-Proto": "https"} if https else {})}
        connection.request(method, path, body=body, headers={**sent, **(headers or {})})
        response = connection.getresponse()
        response.text = response.read().decode("utf-8", "replace")
        connection.close()
        return response

    def wait_for_line(self, text: str) -> None:
        """Wait until a line containing text is logged (gunicorn logs after it answers)."""
        deadline = time.monotonic() + 30
        while not any(text in line for line in self.lines) and time.monotonic() < deadline:
            time.sleep(0.05)

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.process.kill()


@pytest.fixture(scope="module")
def gunicorn(tmp_path_factory):
    var_dir = tmp_path_factory.mktemp("production-var")
    env = production_env(
        var_dir, GUNICORN_BIND="127.0.0.1:0", WEB_CONCURRENCY="1", GUNICORN_THREADS="2"
    )
    setup = run([PYTHON, "-c", SETUP], {**env, "DJANGO_SETTINGS_MODULE": "config.settings"})
    assert setup.returncode == 0, setup.stderr
    server = Gunicorn(env)
    yield server
    server.stop()


@pytest.mark.slow
class TestGunicorn:
    def test_healthz_answers_over_plain_http(self, gunicorn):
        response = gunicorn.request("GET", "/healthz", https=False)
        assert response.status == 200
        assert response.getheader("Content-Type") == "application/json"
        assert json.loads(response.text) == {
            "status": "ok",
            "checks": {"database": "ok", "cache": "ok"},
        }
        assert "no-store" in response.getheader("Cache-Control")

    def test_plain_http_is_redirected_to_https(self, gunicorn):
        response = gunicorn.request("GET", "/", https=False)
        assert response.status == 301
        assert response.getheader("Location") == f"https://{HOST}/"

    def test_unknown_host_is_refused(self, gunicorn):
        response = gunicorn.request("GET", "/", headers={"Host": "evil.example"})
        assert response.status == 400

    def test_security_headers(self, gunicorn):
        response = gunicorn.request("GET", "/")
        assert response.status == 200
        assert "The room that moves" in response.text
        assert response.getheader("Strict-Transport-Security") == (
            "max-age=31536000; includeSubDomains; preload"
        )
        assert response.getheader("X-Content-Type-Options") == "nosniff"
        assert response.getheader("Referrer-Policy") == "same-origin"
        assert response.getheader("X-Frame-Options") == "DENY"
        policy = response.getheader("Permissions-Policy")
        for denied in ("camera=()", "microphone=()", "geolocation=()"):
            assert denied in policy
        allowed = dict(re.findall(r"([a-z-]+)=\(([^)]*)\)", policy))
        for feature in ("autoplay", "fullscreen", "picture-in-picture", "encrypted-media"):
            assert allowed[feature].split() == [
                "self",
                '"https://archive.org"',
                '"https://bandcamp.com"',
                '"https://geo.dailymotion.com"',
                '"https://player.vimeo.com"',
                '"https://w.soundcloud.com"',
                '"https://www.youtube-nocookie.com"',
            ]
        csp = dict(
            part.strip().split(" ", 1)
            for part in response.getheader("Content-Security-Policy").split(";")
        )
        assert csp["script-src"] == "'self'" and csp["style-src"] == "'self'"
        # Each provider's player origin, nothing else (PeerTube: only hosts the operator allows).
        assert csp["frame-src"] == (
            "https://archive.org https://bandcamp.com https://geo.dailymotion.com "
            "https://player.vimeo.com https://w.soundcloud.com https://www.youtube-nocookie.com"
        )
        assert "unsafe" not in response.getheader("Content-Security-Policy")

    def test_pages_carry_no_inline_script_or_style(self, gunicorn):
        html = gunicorn.request("GET", "/posts/the-room-that-moves-virtual-insanity/").text
        assert '<figure class="video"' in html
        # Only external scripts run; JSON-LD data blocks are data, which CSP does not execute.
        for tag in re.findall(r"<script\b[^>]*>", html):
            assert " src=" in tag or 'type="application/ld+json"' in tag, tag
        assert not re.search(r"\sstyle=", html)
        assert not re.search(r"\son[a-z]+=", html)

    def test_static_files_are_hashed_compressed_and_cached_for_long(self, gunicorn):
        html = gunicorn.request("GET", "/").text
        stylesheet = re.search(r'href="(/static/closer/site\.[0-9a-f]{12}\.css)"', html)
        assert stylesheet, "the page links a hashed stylesheet"
        response = gunicorn.request("GET", stylesheet.group(1), headers={"Accept-Encoding": "gzip"})
        assert response.status == 200
        assert response.getheader("Content-Encoding") == "gzip"
        assert "max-age=315360000" in response.getheader("Cache-Control")

    def test_admin_cookies_are_secure(self, gunicorn):
        login = gunicorn.request("GET", "/admin/login/")
        csrf_cookie = login.getheader("Set-Cookie")
        assert "csrftoken=" in csrf_cookie and "Secure" in csrf_cookie
        token = re.search(r"csrftoken=([^;]+)", csrf_cookie).group(1)
        form_token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login.text).group(1)
        response = gunicorn.request(
            "POST",
            "/admin/login/?next=/admin/",
            headers={
                "Cookie": f"csrftoken={token}",
                "Content-Type": "application/x-www-form-urlencoded",
                "Origin": f"https://{HOST}",
                "Referer": f"https://{HOST}/admin/login/",
            },
            body=f"csrfmiddlewaretoken={form_token}&username=boss&password={ADMIN_PASSWORD}&next=/admin/",
        )
        assert response.status == 302, response.text[:500]
        session = [c for c in response.headers.get_all("Set-Cookie") if c.startswith("sessionid=")]
        assert session and "Secure" in session[0] and "HttpOnly" in session[0]

    def test_logs_are_json_lines_on_stdout(self, gunicorn):
        gunicorn.request("GET", "/healthz?probe=logs", https=False)
        gunicorn.wait_for_line("probe=logs")
        entries = [json.loads(line) for line in gunicorn.lines if line.strip()]
        assert entries, "gunicorn wrote nothing"
        assert all({"time", "level", "logger", "message"} <= entry.keys() for entry in entries)
        access = [e for e in entries if e["logger"] == "gunicorn.access"]
        probe = next(e for e in access if e.get("query") == "probe=logs")
        assert (probe["method"], probe["path"], probe["status"]) == ("GET", "/healthz", 200)
        assert isinstance(probe["duration_ms"], int)


THROTTLE_SETUP = f"""
import django
django.setup()
from django.core.management import call_command
from django.contrib.auth import get_user_model
call_command("migrate", verbosity=0)
call_command("collectstatic", interactive=False, verbosity=0)
get_user_model().objects.create_superuser("boss", password="{ADMIN_PASSWORD}")
"""


def test_login_throttle_holds_across_two_servers_on_one_sqlite_file(tmp_path):
    """Issue 11 #8: with SQLite and no REDIS_URL, two gunicorns (two processes, as two workers
    are) share the failure count: the limit holds, and the right password is then refused."""
    env = production_env(
        tmp_path,
        GUNICORN_BIND="127.0.0.1:0",
        WEB_CONCURRENCY="1",
        GUNICORN_THREADS="2",
        LOGIN_FAILURE_LIMIT="4",
    )
    setup = run(
        [PYTHON, "-c", THROTTLE_SETUP], {**env, "DJANGO_SETTINGS_MODULE": "config.settings"}
    )
    assert setup.returncode == 0, setup.stderr
    servers = [Gunicorn(env), Gunicorn(env)]
    try:
        login = servers[0].request("GET", "/admin/login/")
        token = re.search(r"csrftoken=([^;]+)", login.getheader("Set-Cookie")).group(1)
        form_token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login.text).group(1)

        def attempt(server, password):
            return server.request(
                "POST",
                "/admin/login/?next=/admin/",
                headers={
                    "Cookie": f"csrftoken={token}",
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Origin": f"https://{HOST}",
                    "Referer": f"https://{HOST}/admin/login/",
                },
                body=f"csrfmiddlewaretoken={form_token}&username=boss&password={password}"
                "&next=/admin/",
            )

        # Four failures, two on each server: each process alone has seen only two.
        for number in range(4):
            response = attempt(servers[number % 2], "wrong")
            assert response.status == 200, response.text[:300]
            assert "correct username and password" in response.text
        for server in servers:
            refused = attempt(server, ADMIN_PASSWORD)
            assert refused.status == 429, refused.text[:300]
            assert "Too many failed login attempts" in refused.text
            assert refused.getheader("Retry-After")
    finally:
        for server in servers:
            server.stop()
