"""The newsletter in the admin: subscribers (CSV export and import), issues and their report."""

import csv
import io

from csp.decorators import csp_update
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db.models import Count, Q
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from blog.models import Post
from newsletter import services
from newsletter.emails import essay_message
from newsletter.forms import ImportForm
from newsletter.models import Delivery, Issue, Subscriber
from newsletter.tasks import issue_schedule

IMPORT_MAX_BYTES = 5 * 1024 * 1024
CSV_FIELDS = ["email", "status", "all_essays", "tags", "source", "created_at", "confirmed_at"]


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    list_display = ["email", "status", "all_essays", "source", "created_at", "confirmed_at"]
    list_filter = ["status", "all_essays"]
    search_fields = ["email"]
    filter_horizontal = ["tags"]
    readonly_fields = ["created_at", "confirmed_at", "unsubscribed_at"]
    actions = ["export_csv", "unsubscribe"]
    change_list_template = "admin/newsletter/subscriber/change_list.html"

    def get_urls(self):
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="newsletter_subscriber_import",
            ),
            *super().get_urls(),
        ]

    @admin.action(description="Export selected subscribers as CSV")
    def export_csv(self, request, queryset):
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="subscribers.csv"'
        writer = csv.writer(response)
        writer.writerow(CSV_FIELDS)
        for subscriber in queryset.prefetch_related("tags"):
            writer.writerow(
                [
                    subscriber.email,
                    subscriber.status,
                    "yes" if subscriber.all_essays else "no",
                    " ".join(tag.slug for tag in subscriber.tags.all()),
                    _csv_safe(subscriber.source),
                    subscriber.created_at.isoformat(),
                    subscriber.confirmed_at.isoformat() if subscriber.confirmed_at else "",
                ]
            )
        return response

    @admin.action(description="Unsubscribe selected subscribers")
    def unsubscribe(self, request, queryset):
        for subscriber in queryset:
            services.subscriber_unsubscribe(token=subscriber.token)
        self.message_user(request, "Unsubscribed.")

    def import_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = ImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            if upload.size > IMPORT_MAX_BYTES:
                form.add_error("file", "The file is larger than 5 MB: split it in parts.")
            else:
                try:
                    text = upload.read().decode("utf-8-sig")
                except UnicodeDecodeError:
                    form.add_error("file", "The file is not UTF-8 text: save it as CSV (UTF-8).")
                else:
                    result = subscribers_import(text=text, source=form.cleaned_data["source"])
                    self.message_user(
                        request,
                        f"Added {result['added']}; already listed {result['existing']} (left as "
                        f"they were); not an email address: {result['invalid']}.",
                        messages.SUCCESS if not result["invalid"] else messages.WARNING,
                    )
                    return HttpResponseRedirect(reverse("admin:newsletter_subscriber_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "title": "Import subscribers",
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/newsletter/subscriber/import.html", context)


def _csv_safe(value: str) -> str:
    # A cell starting with = + - @ is a formula in spreadsheets: keep it text.
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


def subscribers_import(*, text: str, source: str) -> dict[str, int]:
    """Add confirmed subscribers from CSV text (a column "email", or the first column).

    Addresses already listed are left alone: an import never re-subscribes someone who left.
    """
    rows = list(csv.reader(io.StringIO(text)))
    column = 0
    if rows and "email" in [cell.strip().lower() for cell in rows[0]]:
        column = [cell.strip().lower() for cell in rows[0]].index("email")
        rows = rows[1:]
    emails, invalid = set(), 0
    for row in rows:
        if len(row) <= column or not row[column].strip():
            continue
        email = row[column].strip().lower()
        try:
            validate_email(email)
        except ValidationError:
            invalid += 1
            continue
        emails.add(email)
    existing = set(Subscriber.objects.filter(email__in=emails).values_list("email", flat=True))
    now = timezone.now()
    Subscriber.objects.bulk_create(
        [
            Subscriber(
                email=email,
                status=Subscriber.Status.CONFIRMED,
                confirmed_at=now,
                source=f"import: {source}",
            )
            for email in sorted(emails - existing)
        ],
        ignore_conflicts=True,
        batch_size=500,
    )
    return {"added": len(emails - existing), "existing": len(existing), "invalid": invalid}


@admin.register(Issue)
class IssueAdmin(admin.ModelAdmin):
    list_display = ["post", "held", "state", "sent", "failed", "bounced", "waiting", "started_at"]
    list_filter = ["held", "state"]
    list_select_related = ["post"]
    search_fields = ["post__title"]
    raw_id_fields = ["post"]
    readonly_fields = ["state", "created_at", "started_at", "finished_at", "report", "links"]
    actions = ["hold", "release", "send_test", "retry_failed"]

    def get_queryset(self, request):
        counts = {
            name: Count("deliveries", filter=Q(deliveries__status__in=statuses))
            for name, statuses in (
                ("n_sent", [Delivery.Status.SENT]),
                ("n_failed", [Delivery.Status.FAILED]),
                ("n_bounced", [Delivery.Status.BOUNCED]),
                ("n_waiting", [Delivery.Status.QUEUED, Delivery.Status.CLAIMED]),
            )
        }
        return super().get_queryset(request).annotate(**counts)

    def get_readonly_fields(self, request, obj=None):
        # The essay is chosen once (to hold it back before it is published), then fixed.
        return [*self.readonly_fields, "post"] if obj else self.readonly_fields

    @admin.display(ordering="n_sent")
    def sent(self, issue):
        return issue.n_sent

    @admin.display(ordering="n_failed")
    def failed(self, issue):
        return issue.n_failed

    @admin.display(ordering="n_bounced")
    def bounced(self, issue):
        return issue.n_bounced

    @admin.display(description="Still to send")
    def waiting(self, issue):
        return issue.n_waiting

    @admin.display(description="Report")
    def report(self, issue):
        counts = services.issue_report(issue)
        return ", ".join(f"{Delivery.Status(status).label}: {n}" for status, n in counts.items())

    @admin.display(description="Email")
    def links(self, issue):
        if not issue.pk:
            return "—"
        return format_html(
            '<a href="{}">Preview the email</a>',
            reverse("admin:newsletter_issue_preview", args=[issue.pk]),
        )

    def get_urls(self):
        return [
            path(
                "<int:pk>/preview/",
                self.admin_site.admin_view(self.preview_view),
                name="newsletter_issue_preview",
            ),
            *super().get_urls(),
        ]

    @admin.action(description="Hold back from the newsletter")
    def hold(self, request, queryset):
        count = queryset.exclude(state=Issue.State.DONE).update(held=True)
        self.message_user(request, f"Held {count} issue(s); sending stops after the current batch.")

    @admin.action(description="Release (send when published)")
    def release(self, request, queryset):
        count = 0
        for issue in queryset.filter(held=True).select_related("post"):
            Issue.objects.filter(pk=issue.pk).update(held=False)
            issue.held = False
            count += issue_schedule(issue=issue)
        self.message_user(request, f"Released; {count} issue(s) queued for sending.")

    @admin.action(description="Send a test of the email to myself")
    def send_test(self, request, queryset):
        if not request.user.email:
            self.message_user(request, "Your user has no email address.", messages.ERROR)
            return
        # Only essays this editor may read on the site (drafts are theirs to preview).
        visible = Post.objects.visible_to(request.user)
        for issue in queryset.filter(post__in=visible).select_related("post"):
            test_reader = Subscriber(email=request.user.email, token="test-message")
            message = essay_message(post=issue.post, subscriber=test_reader)
            message.subject = f"[Test] {message.subject}"
            message.send()
        self.message_user(request, f"Test sent to {request.user.email}.")

    @admin.action(description="Send failed messages again")
    def retry_failed(self, request, queryset):
        for issue in queryset.filter(held=False).select_related("post"):
            retried = issue.deliveries.filter(status=Delivery.Status.FAILED).update(
                status=Delivery.Status.QUEUED, error=""
            )
            if retried:
                Issue.objects.filter(pk=issue.pk).update(state=Issue.State.SENDING)
                issue_schedule(issue=issue)
        self.message_user(request, "Failed messages queued again.")

    @csp_update({"style-src": ["'unsafe-inline'"]})
    def preview_view(self, request, pk):
        issue = get_object_or_404(Issue.objects.select_related("post"), pk=pk)
        if not self.has_view_permission(request, issue):
            raise PermissionDenied
        post = get_object_or_404(Post.objects.visible_to(request.user), pk=issue.post_id)
        # The real message, as a subscriber gets it (its CSS inlined: hence the CSP above).
        message = essay_message(post=post, subscriber=Subscriber(email="reader@example.com"))
        html_part = message.alternatives[0][0]
        context = {
            **self.admin_site.each_context(request),
            "title": f"Preview: {post.title}",
            "issue": issue,
            "message": message,
            "html_part": html_part,
            "headers": message.extra_headers,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/newsletter/issue/preview.html", context)
