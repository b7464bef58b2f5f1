"""Where mail goes: an SMTP server from the environment, or this console when none is set.

Kept out of settings.py so the parsing can be tested with any environment.
"""

from collections.abc import Mapping
from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

CONSOLE_BACKEND = "django.core.mail.backends.console.EmailBackend"
SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
_TRUE = {"1", "true", "yes", "on"}


def mail_settings(environ: Mapping[str, str]) -> dict:
    """Return Django's EMAIL_* settings from EMAIL_URL or EMAIL_HOST/…; console when unset.

    EMAIL_URL reads smtp://user:password@host:587?tls=true (STARTTLS) or smtps://…:465 (SSL);
    user and password are URL-quoted.
    """
    url = environ.get("EMAIL_URL", "").strip()
    host = environ.get("EMAIL_HOST", "").strip()
    if url:
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise ImproperlyConfigured(
                "EMAIL_URL must look like smtp://user:password@host:587?tls=true "
                "or smtps://user:password@host:465."
            )
        query = {key: values[-1].lower() for key, values in parse_qs(parts.query).items()}
        try:
            port = parts.port
        except ValueError:
            raise ImproperlyConfigured("EMAIL_URL has a port that is not a number.") from None
        ssl = parts.scheme == "smtps" or query.get("ssl") in _TRUE
        return {
            "EMAIL_BACKEND": SMTP_BACKEND,
            "EMAIL_HOST": parts.hostname,
            "EMAIL_PORT": port or (465 if ssl else 25),
            "EMAIL_HOST_USER": unquote(parts.username or ""),
            "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
            "EMAIL_USE_SSL": ssl,
            "EMAIL_USE_TLS": not ssl and query.get("tls") in _TRUE,
        }
    if host:
        port = environ.get("EMAIL_PORT", "").strip() or "25"
        if not port.isdigit():
            raise ImproperlyConfigured(f"EMAIL_PORT must be a whole number, not {port!r}.")
        return {
            "EMAIL_BACKEND": SMTP_BACKEND,
            "EMAIL_HOST": host,
            "EMAIL_PORT": int(port),
            "EMAIL_HOST_USER": environ.get("EMAIL_HOST_USER", ""),
            "EMAIL_HOST_PASSWORD": environ.get("EMAIL_HOST_PASSWORD", ""),
            "EMAIL_USE_SSL": environ.get("EMAIL_USE_SSL", "").strip().lower() in _TRUE,
            "EMAIL_USE_TLS": environ.get("EMAIL_USE_TLS", "").strip().lower() in _TRUE,
        }
    return {"EMAIL_BACKEND": CONSOLE_BACKEND}
