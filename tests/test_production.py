"""Production as an operator runs it: the deploy check, gunicorn with config/gunicorn.conf.py in
front of a fresh database, its headers, cookies, static files and logs; /healthz; the admin
login throttle."""

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
from django.contrib.auth import get_user_model

from blog import security

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
                '"https://geo.dailymotion.com"',
                '"https://player.vimeo.com"',
                '"https://www.youtube-nocookie.com"',
            ]
        csp = dict(
            part.strip().split(" ", 1)
            for part in response.getheader("Content-Security-Policy").split(";")
        )
        assert csp["script-src"] == "'self'" and csp["style-src"] == "'self'"
        assert csp["frame-src"] == (
            "https://geo.dailymotion.com https://player.vimeo.com https://www.youtube-nocookie.com"
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


class TestHealthz:
    def test_ok(self, client, db):
        response = client.get("/healthz")
        assert response.status_code == 200
        assert response.json() == {"status": "ok", "checks": {"database": "ok", "cache": "ok"}}

    def test_a_cache_that_does_not_answer(self, client, db, settings):
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": "redis://127.0.0.1:1/0",
            }
        }
        response = client.get("/healthz")
        assert response.status_code == 503
        checks = response.json()["checks"]
        assert checks["database"] == "ok"
        assert checks["cache"].startswith("failed: ")

    def test_post_is_not_allowed(self, client, db):
        assert client.post("/healthz").status_code == 405


@pytest.mark.django_db
class TestLoginThrottle:
    ADDRESS = "203.0.113.7"

    @pytest.fixture(autouse=True)
    def fresh_cache(self):
        from django.core.cache import cache

        cache.clear()
        yield
        cache.clear()

    @pytest.fixture
    def editor(self, make_user):
        return make_user(username="editor", password="the-right-password-1", is_staff=True)

    def attempt(self, client, password, *, username="editor", address=ADDRESS):
        return client.post(
            "/admin/login/?next=/admin/",
            {"username": username, "password": password, "next": "/admin/"},
            REMOTE_ADDR=address,
        )

    def test_blocks_after_repeated_failures_then_lets_in_after_the_window(
        self, client, editor, settings, monkeypatch
    ):
        settings.LOGIN_FAILURE_LIMIT, settings.LOGIN_FAILURE_WINDOW = 5, 900
        # The throttle's clock stands still until the test moves it: Retry-After is exact
        # however long the requests take on a busy machine.
        start = security.now()
        monkeypatch.setattr(security, "now", lambda: start)
        for _ in range(5):
            response = self.attempt(client, "wrong")
            assert response.status_code == 200  # the admin's own "incorrect password" page
            assert "correct username and password" in response.content.decode()

        blocked = self.attempt(client, "the-right-password-1")
        assert blocked.status_code == 429
        assert blocked["Retry-After"] == "900"
        text = blocked.content.decode()
        assert "Too many failed login attempts" in text
        assert "blocked for 15 more minutes" in text
        assert "<form" in text  # still the admin's login page, with its styles
        assert "_auth_user_id" not in client.session

        # Another address is not affected by this one's failures.
        other = self.attempt(client, "the-right-password-1", address="198.51.100.2")
        assert other.status_code == 302
        client.logout()

        monkeypatch.setattr(security, "now", lambda: start + 901)
        response = self.attempt(client, "the-right-password-1")
        assert response.status_code == 302 and response["Location"] == "/admin/"

    def test_success_forgets_earlier_failures(self, client, editor, settings):
        settings.LOGIN_FAILURE_LIMIT = 3
        self.attempt(client, "wrong")
        self.attempt(client, "wrong")
        assert self.attempt(client, "the-right-password-1").status_code == 302
        client.logout()
        self.attempt(client, "wrong")
        self.attempt(client, "wrong")
        assert self.attempt(client, "the-right-password-1").status_code == 302

    def test_one_address_guessing_many_user_names_is_blocked(self, client, editor, settings):
        settings.LOGIN_FAILURE_LIMIT = 2  # so 8 failures from one address, across names
        for n in range(8):
            self.attempt(client, "wrong", username=f"guess{n}")
        assert self.attempt(client, "the-right-password-1").status_code == 429

    def test_behind_a_proxy_the_forwarded_address_counts(self, client, editor, settings):
        settings.TRUST_X_FORWARDED_FOR, settings.LOGIN_FAILURE_LIMIT = True, 2
        for _ in range(2):
            client.post(
                "/admin/login/",
                {"username": "editor", "password": "wrong"},
                HTTP_X_FORWARDED_FOR="forged, 192.0.2.10",
            )
        blocked = client.post(
            "/admin/login/",
            {"username": "editor", "password": "the-right-password-1"},
            HTTP_X_FORWARDED_FOR="192.0.2.10",
        )
        assert blocked.status_code == 429
        other = client.post(
            "/admin/login/",
            {"username": "editor", "password": "the-right-password-1"},
            HTTP_X_FORWARDED_FOR="192.0.2.11",
        )
        assert other.status_code == 302


def test_user_model_has_no_lockout_side_effects(make_user, client, settings):
    """The throttle never touches accounts: a user locked out by guesses is still active."""
    from django.core.cache import cache

    settings.LOGIN_FAILURE_LIMIT = 1
    user = make_user(username="victim")
    client.post("/admin/login/", {"username": "victim", "password": "x"}, REMOTE_ADDR="192.0.2.99")
    assert get_user_model().objects.get(pk=user.pk).is_active
    cache.clear()
