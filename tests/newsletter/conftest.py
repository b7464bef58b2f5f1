"""A real SMTP server on 127.0.0.1 (aiosmtpd) that records what it receives."""

import email
import email.policy
from dataclasses import dataclass, field

import pytest
from aiosmtpd.controller import Controller


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: email.message.EmailMessage


@dataclass
class Recorder:
    """An SMTP handler: keeps every message; refuses recipients whose address starts "gone"."""

    messages: list[Received] = field(default_factory=list)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("gone"):
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[email.message.EmailMessage]:
        return [r.message for r in self.messages if address in r.rcpt_tos]


class LoopbackController(Controller):
    """aiosmtpd's Controller on a free port: with port=0, 1.4.6 tests its server on port 0."""

    def _trigger_server(self):
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


@pytest.fixture
def smtp(settings):
    """Start an SMTP server on a free port and send Django's mail to it."""
    recorder = Recorder()
    controller = LoopbackController(recorder, hostname="127.0.0.1", port=0)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.SITE_URL = "https://closer.example"
    try:
        yield recorder
    finally:
        controller.stop()


@pytest.fixture
def make_subscriber(db):
    from newsletter.models import Subscriber

    def make(email, **overrides):
        fields = {"status": Subscriber.Status.CONFIRMED}
        fields.update(overrides)
        tags = fields.pop("tags", ())
        subscriber = Subscriber.objects.create(email=email, **fields)
        if tags:
            subscriber.tags.set(tags)
        return subscriber

    return make
