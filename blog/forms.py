import re

from django import forms
from django.conf import settings
from django.templatetags.static import static
from django.urls import reverse_lazy
from django.utils import timezone
from taggit.forms import TagWidget

from blog import images, shares
from blog.models import Image, Post, PostVideo, Tag
from blog.tag_names import near_duplicates
from pictures.forms import PictureFormField
from videos.providers import UnsupportedVideoURL, parse_video_url
from videos.services import video_get_or_create_from_url


class PostVideoForm(forms.ModelForm):
    """An attached video, chosen by pasting its URL rather than picking a row."""

    url = forms.CharField(
        label="Video URL",
        max_length=2000,
        widget=forms.URLInput(
            attrs={"size": 50, "placeholder": "https://www.youtube.com/watch?v=…"}
        ),
        help_text="Paste a YouTube, Vimeo or Dailymotion link, or an https link to an .mp4/.webm file.",
    )

    class Meta:
        model = PostVideo
        fields = ["url", "caption", "position"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.video_id:
            self.fields["url"].initial = self.instance.video.url

    def clean_url(self):
        url = self.cleaned_data["url"].strip()
        try:
            parse_video_url(url)
        except UnsupportedVideoURL as error:
            raise forms.ValidationError(str(error), code="unsupported_video_url") from error
        return url

    def save(self, commit=True):
        video, ref = video_get_or_create_from_url(url=self.cleaned_data["url"])
        self.instance.video = video
        self.instance.start_seconds = ref.start_seconds
        return super().save(commit=commit)


class SafeImageFormField(PictureFormField):
    """A library image upload (format allowlist, size and pixel limits from settings)."""

    rules = staticmethod(images.image_rules)


class BodyEditorWidget(forms.Textarea):
    """The body textarea: a writing surface with a live preview and autosave (editor.js)."""

    class Media:
        css = {"all": ["closer/video.css", "closer/admin/editor.css"]}
        # The desk's parts register themselves; editor.js puts them together.
        js = [
            "closer/admin/desk_local_copy.js",
            "closer/admin/desk_preview.js",
            "closer/admin/desk_autosave.js",
            "closer/admin/desk_images.js",
            "closer/admin/editor.js",
            "closer/admin/toolbar.js",
        ]

    def __init__(self, attrs=None):
        defaults = {
            "rows": 30,
            "class": "closer-body-editor",
            "spellcheck": "true",
            "data-preview-url": reverse_lazy("admin:blog_post_preview"),
            "data-images-url": reverse_lazy("admin:blog_post_image_picker"),
            "data-upload-url": reverse_lazy("admin:blog_post_image_upload"),
            "data-posts-url": reverse_lazy("admin:blog_post_changelist"),
        }
        super().__init__({**defaults, **(attrs or {})})

    def get_context(self, name, value, attrs):
        # The preview frame reads the site's own stylesheets (hashed names in production).
        attrs = {
            **(attrs or {}),
            "data-site-css": static("closer/site.css"),
            "data-video-css": static("closer/video.css"),
            "data-frame-css": static("closer/admin/preview-frame.css"),
        }
        return super().get_context(name, value, attrs)


class TagSuggestWidget(TagWidget):
    """Comma-separated tags with suggestions from the existing tags as you type.

    After a save that named a near-duplicate of an existing tag, it also draws the question
    (use the existing tag, or create the new one anyway) under the field.
    """

    template_name = "blog/widgets/tag_input.html"  # forms render from the apps folders
    near_duplicates: list = []

    class Media:
        css = {"all": ["closer/admin/tags.css"]}
        js = ["closer/admin/tags.js"]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["near_duplicates"] = self.near_duplicates
        return context

    def __init__(self, attrs=None):
        defaults = {
            "class": "vTextField closer-tags",
            "autocomplete": "off",
            "data-suggest-url": reverse_lazy("admin:blog_post_tag_suggestions"),
        }
        super().__init__({**defaults, **(attrs or {})})


TAG_NAME_MAX_CHARS = Tag._meta.get_field("name").max_length
TAGS_PER_POST = 50
TAG_QUOTES_MESSAGE = (
    'Tag names cannot contain straight double quotes ("): the tag field uses them to group '
    "words, so the name would break apart on the next save. Use curly quotes instead: "
    "The “Matrix”."
)
# taggit writes a name holding a comma as "a, b": a quoted group is fine when it is a whole item.
_QUOTED_ITEM = re.compile(r'(?:^|(?<=,))\s*"[^"]*"\s*(?=,|$)')


def validate_tag_name(name: str) -> None:
    """Refuse a tag name that would not survive the next save of the tag field, or the column."""
    if '"' in name:
        raise forms.ValidationError(TAG_QUOTES_MESSAGE, code="tag_quotes")
    if len(name) > TAG_NAME_MAX_CHARS:
        raise forms.ValidationError(
            "Tag names can be at most %(limit)d characters (“%(start)s…” has %(length)d).",
            code="tag_too_long",
            params={"limit": TAG_NAME_MAX_CHARS, "start": name[:30], "length": len(name)},
        )


class PostAdminForm(forms.ModelForm):
    """The post form; a featured image is picked from the library or uploaded into it here."""

    featured_image_upload = SafeImageFormField(
        label="Or upload a new one",
        required=False,
        help_text=(
            "JPEG, PNG, WebP or GIF. It joins the image library; metadata such as GPS "
            "position is removed and the orientation applied."
        ),
    )
    featured_image_alt = forms.CharField(
        label="Description of the new image",
        max_length=300,
        required=False,
        widget=forms.TextInput(attrs={"class": "vTextField closer-wide"}),
        help_text="What the uploaded image shows, for readers who cannot see it.",
    )

    class Meta:
        model = Post
        fields = "__all__"
        widgets = {"body": BodyEditorWidget, "tags": TagSuggestWidget}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # No maxlength: a browser silently cuts a pasted 1,200-character title to 200. The
        # field shows a counter instead (toolbar.js) and the server refuses what is too long.
        for name in ("title", "excerpt"):
            field = self.fields.get(name)
            limit = getattr(field, "max_length", None)
            if field is not None and limit:
                field.widget.attrs.pop("maxlength", None)
                field.widget.attrs["data-max-length"] = limit

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("featured_image_upload"):
            if not (cleaned.get("featured_image_alt") or "").strip():
                self.add_error(
                    "featured_image_alt",
                    "Describe the featured image for readers who cannot see it.",
                )
            # The upload replaces whatever was picked: do not validate the old choice.
            cleaned["featured_image"] = None
        return cleaned

    def clean_tags(self):
        names = self.cleaned_data["tags"]
        raw = self.fields["tags"].widget.value_from_datadict(
            self.data, self.files, self.add_prefix("tags")
        )
        # taggit reads a stray quote as grouping: `The "Matrix"` would become "The" and "Matrix".
        if isinstance(raw, str) and '"' in _QUOTED_ITEM.sub("", raw):
            raise forms.ValidationError(TAG_QUOTES_MESSAGE, code="tag_quotes")
        if len(names) > TAGS_PER_POST:
            raise forms.ValidationError(
                "A post can have at most %(limit)d tags (this list has %(count)d).",
                code="too_many_tags",
                params={"limit": TAGS_PER_POST, "count": len(names)},
            )
        errors = []
        for name in names:
            try:
                validate_tag_name(name)
            except forms.ValidationError as error:
                errors.append(error)
        if errors:
            raise forms.ValidationError(errors)
        return self._resolve_near_duplicates(names)

    # The tags this writer may be told about (PostAdmin narrows it for an Author: blog.review).
    tag_choices = Tag.objects.all()

    def _resolve_near_duplicates(self, names: list[str]) -> list[str]:
        """Return names with each near-duplicate of an existing tag decided, else ask.

        A name that is an existing tag but for its case is spelled as that tag. One that only
        looks like one ("music videos" beside "music video", "Bjork" beside "Björk") is saved
        once the author has chosen under the field: the existing tag, or the new name anyway.
        """
        spelled, questions = near_duplicates(names, self.tag_choices)
        unanswered = []
        for question in questions:
            answer = self.data.get(self.add_prefix(question.choice_name), "")
            chosen = next((t for t in question.existing if answer == f"existing:{t.pk}"), None)
            if chosen is not None:
                spelled[spelled.index(question.typed)] = chosen.name
            elif answer != "new":
                unanswered.append(question)
        if unanswered:
            self.fields["tags"].widget.near_duplicates = unanswered
            raise forms.ValidationError(
                [
                    forms.ValidationError(
                        "“%(typed)s” looks like the existing tag %(existing)s. Choose below "
                        "whether to use it or to create “%(typed)s” anyway, then save again; "
                        "nothing you typed is lost.",
                        code="near_duplicate_tag",
                        params={
                            "typed": question.typed,
                            "existing": " or ".join(f"“{t.name}”" for t in question.existing),
                        },
                    )
                    for question in unanswered
                ]
            )
        # Two names that became one tag count once, in the place of the first.
        seen = set()
        return [n for n in spelled if not (n.casefold() in seen or seen.add(n.casefold()))]


class ScheduleForm(forms.Form):
    published_at = forms.DateTimeField(
        label="Publish at",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"],
        help_text="In the site's time zone. The posts appear by themselves at that time.",
    )

    def clean_published_at(self):
        when = self.cleaned_data["published_at"]
        if when <= timezone.now():
            raise forms.ValidationError("Pick a time in the future.")
        return when


class TagAdminForm(forms.ModelForm):
    # Optional here: Tag.save() fills an empty slug from the name (ASCII, never empty).
    slug = forms.SlugField(
        max_length=100,
        required=False,
        allow_unicode=True,
        help_text="The tag's address, /tags/<slug>/. Filled from the name when left empty.",
    )

    create_anyway = forms.BooleanField(
        label="Keep this name even though it looks like an existing tag",
        required=False,
        help_text="Only needed when the save asks: say, “music videos” beside “music video”.",
    )

    class Meta:
        model = Tag
        fields = ["name", "slug", "description"]

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        validate_tag_name(name)
        if self.instance.pk and name == self.instance.name:
            return name  # kept as it was: asked (if at all) when it was made
        others = Tag.objects.exclude(pk=self.instance.pk) if self.instance.pk else Tag.objects
        _, questions = near_duplicates([name], others.all())
        if questions and not self.data.get(self.add_prefix("create_anyway")):
            existing = " or ".join(f"“{tag.name}”" for tag in questions[0].existing)
            raise forms.ValidationError(
                "“%(name)s” looks like the existing tag %(existing)s: use that one (or merge "
                "the two from the tag list), or tick “Keep this name” below and save again.",
                code="near_duplicate_tag",
                params={"name": name, "existing": existing},
            )
        return name


class TagRenameForm(forms.Form):
    name = forms.CharField(label="New name", max_length=100)

    def __init__(self, *args, tag, **kwargs):
        self.tag = tag
        super().__init__(*args, **kwargs)

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        validate_tag_name(name)
        if Tag.objects.filter(name__iexact=name).exclude(pk=self.tag.pk).exists():
            raise forms.ValidationError(
                "Another tag already has this name: merge the two tags instead."
            )
        return name


class TagMergeForm(forms.Form):
    into = forms.ModelChoiceField(
        label="Keep this tag",
        queryset=Tag.objects.none(),
        empty_label=None,
        widget=forms.RadioSelect,
        help_text="The other tags are deleted; their posts and their addresses move to this one.",
    )

    def __init__(self, *args, tags, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["into"].queryset = tags


class ImageAdminForm(forms.ModelForm):
    class Meta:
        model = Image
        fields = ["file", "alt_text", "decorative", "caption", "credit"]
        widgets = {
            name: forms.TextInput(attrs={"class": "vTextField closer-wide"})
            for name in ("alt_text", "caption", "credit")
        }


class ShareDraftForm(forms.Form):
    days = forms.IntegerField(
        label="Expires after (days)",
        min_value=1,
        max_value=shares.MAX_DAYS,
        initial=lambda: settings.CLOSER_DRAFT_SHARE_DAYS,
        help_text=f"At most {shares.MAX_DAYS} days. You can revoke the link sooner.",
        widget=forms.NumberInput(attrs={"class": "vIntegerField"}),
    )
    label = forms.CharField(
        label="Shared with",
        max_length=100,
        required=False,
        help_text="Who it is for (“the rights holder”), so you know which link to revoke.",
        widget=forms.TextInput(attrs={"class": "vTextField"}),
    )
