"""The reader's comment form: fields, limits and the spam checks, each with a clear message."""

import re

from django import forms
from django.conf import settings
from django.core.validators import MaxLengthValidator

from blog import rendering
from comments import tokens
from comments.models import Comment

# Control characters that have no business in a name (NUL is refused by Django itself).
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u202a-\u202e\u2066-\u2069]")
_LINK = re.compile(r"<a\s")
_URL = re.compile(r"https?://", re.IGNORECASE)


class CommentForm(forms.Form):
    name = forms.CharField(max_length=80, label="Name")
    email = forms.EmailField(
        max_length=254, label="Email", help_text="Never shown. Used only for moderation."
    )
    website = forms.URLField(
        max_length=200, required=False, label="Website (optional)", assume_scheme="https"
    )
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}), label="Comment")
    notify_replies = forms.BooleanField(required=False, label="Email me when someone replies")
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)
    token = forms.CharField(widget=forms.HiddenInput, max_length=500)
    # The honeypot: hidden from people by CSS and from assistive technology; bots fill it.
    homepage_url = forms.CharField(
        required=False,
        label="Leave this field empty",
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def __init__(self, *args, post, **kwargs):
        super().__init__(*args, **kwargs)
        self.post = post
        limit = settings.CLOSER_COMMENT_MAX_CHARS
        self.fields["body"].widget.attrs["maxlength"] = str(limit)
        self.fields["body"].help_text = (
            f"Up to {limit:,} characters. *emphasis*, **strong**, [links](https://…), "
            "> quotes and `code` work; [1:23] links to that moment of the video."
        )
        self.fields["body"].validators.append(
            MaxLengthValidator(
                limit,
                message=f"The comment is %(show_value)s characters long; at most {limit:,} "
                "fit. Shorten it and send it again.",
            )
        )
        if not self.is_bound:
            self.initial.setdefault("token", tokens.form_token(post.pk))

    def clean_name(self):
        name = " ".join(_CONTROL.sub("", self.cleaned_data["name"]).split())
        if not name:
            raise forms.ValidationError("Please give a name (any name you like).")
        return name

    def clean_body(self):
        body = self.cleaned_data["body"].replace("\r\n", "\n").strip()
        if not body:
            raise forms.ValidationError("The comment is empty.")
        # Links the renderer makes, or bare addresses it did not recognise: whichever is more.
        links = max(len(_LINK.findall(rendering.render_comment(body))), len(_URL.findall(body)))
        limit = settings.CLOSER_COMMENT_MAX_LINKS
        if links > limit:
            raise forms.ValidationError(
                f"The comment has {links} links; at most {limit} are allowed. "
                "Remove some and send it again."
            )
        return body

    def clean_parent(self):
        parent_id = self.cleaned_data.get("parent")
        if not parent_id:
            return None
        parent = Comment.objects.filter(
            pk=parent_id, post=self.post, status=Comment.Status.APPROVED
        ).first()
        if parent is None:
            raise forms.ValidationError(
                "The comment you replied to is no longer here; your text is kept, send it as "
                "a new comment."
            )
        return parent

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("homepage_url"):
            raise forms.ValidationError("This comment looks automated and was not sent.")
        token = cleaned.get("token")
        if token is None:
            return cleaned
        try:
            age = tokens.form_age(token, self.post.pk, max_age=settings.CLOSER_COMMENT_FORM_MAX_AGE)
        except tokens.BadToken as error:
            self.renew_token()
            if str(error) == "expired":
                raise forms.ValidationError(
                    "This page was open for a long time, so the form expired. Your text is kept "
                    "below: send it again."
                ) from error
            raise forms.ValidationError(
                "The form could not be checked. Your text is kept below: send it again."
            ) from error
        if age < settings.CLOSER_COMMENT_MIN_SECONDS:
            self.renew_token()
            raise forms.ValidationError(
                "That was quick: please take a few seconds to read over your comment, then send "
                "it again."
            )
        return cleaned

    def renew_token(self) -> None:
        """Give the re-shown form a fresh token, so the next send can pass."""
        self.data = self.data.copy()
        self.data["token"] = tokens.form_token(self.post.pk)


class StaffReplyForm(forms.Form):
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 6}), label="Your reply")
