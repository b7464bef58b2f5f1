"""The moderation queue: counts per status, bulk approve/reject/spam, edit, reply as staff."""

from django.contrib import admin, messages
from django.db import models
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.text import Truncator

from comments import notices, services
from comments.forms import StaffReplyForm
from comments.models import Comment, CommentSettings

Status = Comment.Status


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ("excerpt", "name", "email", "post", "status", "created_at")
    list_filter = ("status", "created_at")
    list_select_related = ("post",)
    search_fields = ("name", "email", "body", "post__title")
    date_hierarchy = "created_at"
    actions = ("approve", "reject", "mark_spam", "close_comments")
    fields = (
        "post", "parent", "status", "name", "email", "website", "body", "notify_replies",
        "created_at", "ip_address", "reply_link",
    )  # fmt: skip
    readonly_fields = ("post", "parent", "created_at", "ip_address", "reply_link")
    change_list_template = "admin/comments/comment/change_list.html"
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("post")

    @admin.display(description="Comment")
    def excerpt(self, comment):
        return Truncator(comment.body).chars(80) or "(deleted by its writer)"

    @admin.display(description="Reply")
    def reply_link(self, comment):
        if not comment.pk:
            return "—"
        url = reverse("admin:comments_comment_reply", args=[comment.pk])
        return format_html('<a href="{}">Reply as staff</a>', url)

    def get_urls(self):
        reply = self.admin_site.admin_view(self.reply_view)
        return [
            path("<int:pk>/reply/", reply, name="comments_comment_reply"),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        counts = dict(Comment.objects.values_list("status").annotate(n=Count("id")))
        queue = [(label, value, counts.get(value, 0)) for value, label in Status.choices]
        return super().changelist_view(request, {**(extra_context or {}), "queue": queue})

    def _set_status(self, request, queryset, status, verb):
        changed = services.comment_set_status(comments=queryset, status=status)
        self.message_user(request, f"{changed} comment{'s' * (changed != 1)} {verb}.")

    @admin.action(description="Approve selected comments", permissions=["change"])
    def approve(self, request, queryset):
        self._set_status(request, queryset, Status.APPROVED, "approved")

    @admin.action(description="Reject selected comments", permissions=["change"])
    def reject(self, request, queryset):
        self._set_status(request, queryset, Status.REJECTED, "rejected")

    @admin.action(description="Mark selected comments as spam", permissions=["change"])
    def mark_spam(self, request, queryset):
        self._set_status(request, queryset, Status.SPAM, "marked as spam")

    @admin.action(description="Close comments on these comments' essays", permissions=["change"])
    def close_comments(self, request, queryset):
        post_ids = set(queryset.values_list("post_id", flat=True))
        for post_id in post_ids:
            CommentSettings.objects.update_or_create(post_id=post_id, defaults={"closed": True})
        self.message_user(request, f"Comments closed on {len(post_ids)} essay(s).")

    def save_model(self, request, obj, form, change):
        was_approved = change and form.initial.get("status") == Status.APPROVED
        super().save_model(request, obj, form, change)
        if obj.status == Status.APPROVED and not was_approved:
            notices.after_commit(obj, new=False)

    def reply_view(self, request, pk):
        parent = get_object_or_404(Comment.objects.select_related("post"), pk=pk)
        if not self.has_change_permission(request, parent):
            return redirect("admin:comments_comment_changelist")
        form = StaffReplyForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            reply = services.comment_reply_as_staff(
                parent=parent, user=request.user, body=form.cleaned_data["body"]
            )
            self.message_user(request, "Your reply is published.", messages.SUCCESS)
            return redirect("admin:comments_comment_change", reply.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"Reply to {parent.name}",
            "parent": parent,
            "form": form,
        }
        return TemplateResponse(request, "admin/comments/comment/reply.html", context)


@admin.register(CommentSettings)
class CommentSettingsAdmin(admin.ModelAdmin):
    list_display = ("post", "closed")
    list_editable = ("closed",)
    autocomplete_fields = ("post",)
