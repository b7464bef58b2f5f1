"""Reader pages of the newsletter: subscribe, confirm, unsubscribe.

The subscribe form appears on cached pages (footer, end of each essay), so it carries no CSRF
token: a token would need a cookie, and a cookie would make every page uncacheable. Its POST
is CSRF-exempt on purpose, and that is harmless: all a forged POST can do is send one
confirmation request to an address, which is what the public form does anyway; it is
rate-limited per address and site-wide (through the cache) and has a honeypot, and nothing is
mailed to that address until its owner follows the signed link. Confirm and unsubscribe are
authenticated by the token in their URL, never by a session, so they are exempt too (RFC 8058
one-click unsubscribe is a POST from the mail client, with no cookie).
"""

import logging
import smtplib

from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from newsletter import services
from newsletter.forms import SubscribeForm
from newsletter.models import Subscriber

logger = logging.getLogger(__name__)


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def subscribe(request):
    """Show the subscription form, or ask the address to confirm."""
    if request.method != "POST":
        return render(request, "newsletter/subscribe.html", {"form": SubscribeForm()})
    form = SubscribeForm(request.POST)
    if form.is_bot:
        # Answer as if it worked: a bot learns nothing, nobody gets mail.
        return HttpResponseRedirect(reverse("newsletter:check-inbox"))
    if not form.is_valid():
        return render(request, "newsletter/subscribe.html", {"form": form}, status=400)
    try:
        services.subscriber_request(
            email=form.cleaned_data["email"],
            all_essays=form.cleaned_data["all_essays"],
            tags=form.cleaned_data["tags"],
            source="subscribe form",
        )
    except services.RateLimited:
        form.add_error(None, "Too many requests for now. Please try again in an hour.")
        return render(request, "newsletter/subscribe.html", {"form": form}, status=429)
    except (smtplib.SMTPException, OSError):
        logger.exception("The confirmation email could not be sent")
        form.add_error(
            None, "We could not send the confirmation email just now. Please try again later."
        )
        return render(request, "newsletter/subscribe.html", {"form": form}, status=503)
    # The same answer whether the address was new, pending or subscribed already.
    return HttpResponseRedirect(reverse("newsletter:check-inbox"))


@require_safe
def check_inbox(request):
    return render(request, "newsletter/check_inbox.html")


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request, signed):
    """GET shows a button (link scanners must not confirm anyone); POST confirms."""
    subscriber = services.subscriber_for_confirmation(signed=signed)
    if subscriber is None:
        return render(request, "newsletter/link_invalid.html", {"what": "confirmation"}, status=400)
    if request.method == "POST":
        services.subscriber_confirm(subscriber=subscriber)
        return render(request, "newsletter/confirmed.html", {"subscriber": subscriber})
    return render(request, "newsletter/confirm.html", {"subscriber": subscriber})


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request, token):
    """GET asks to confirm; POST (the button, or a mail client's one-click) unsubscribes."""
    if request.method == "POST":
        subscriber = services.subscriber_unsubscribe(token=token)
        if subscriber is None:
            return render(
                request, "newsletter/link_invalid.html", {"what": "unsubscribe"}, status=404
            )
        return render(request, "newsletter/unsubscribed.html", {"subscriber": subscriber})
    subscriber = Subscriber.objects.filter(token=token).first()
    if subscriber is None:
        return render(request, "newsletter/link_invalid.html", {"what": "unsubscribe"}, status=404)
    return render(request, "newsletter/unsubscribe.html", {"subscriber": subscriber})
