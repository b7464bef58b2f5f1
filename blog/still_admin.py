"""Stills in the admin: *Blog › Stills*, and a "Stills of this image" table on each image.

A still is a library image, a video and the time the frame is from. An editor picks the image
(or, for a video file, grabs the frame on the server with ffmpeg when it is installed), the
video and the time, and gets the ``[still:ID]`` shortcode to paste into a body.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.html import format_html

from blog import images, still_grab, stills
from blog.models import Image, Still
from videos.providers import format_timecode, parse_timecode

TIMECODE_HELP = "When in the video the frame is: 1:23, 1:02:03 or 83 (seconds)."


class TimecodeField(forms.CharField):
    """A time in a video as authors write it ("1:23"), stored in seconds."""

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", TIMECODE_HELP)
        kwargs.setdefault("max_length", 12)
        kwargs.setdefault("widget", forms.TextInput(attrs={"size": 9}))
        super().__init__(**kwargs)

    def prepare_value(self, value):
        return format_timecode(value) if isinstance(value, int) else value

    def clean(self, value):
        value = super().clean(value)
        seconds = parse_timecode(value)
        if seconds is None:
            raise ValidationError("Write the time as 1:23, 1:02:03 or 83 (seconds).")
        return seconds


class StillFormMixin:
    def clean_at_seconds(self):
        seconds = self.cleaned_data["at_seconds"]
        video = self.cleaned_data.get("video")
        if video is not None and video.duration_seconds and seconds > video.duration_seconds:
            raise ValidationError(
                f"The video is only {video.duration_display} long: pick a time within it."
            )
        return seconds


class StillInlineForm(StillFormMixin, forms.ModelForm):
    at_seconds = TimecodeField(label="Time")

    class Meta:
        model = Still
        fields = ["video", "at_seconds", "caption"]
        widgets = {"caption": forms.TextInput(attrs={"size": 30})}


class StillInline(admin.TabularInline):
    """On an image's page: mark it as a frame of a video at a time (one row per still)."""

    model = Still
    form = StillInlineForm
    fields = ["video", "at_seconds", "caption", "shortcode_snippet"]
    readonly_fields = ["shortcode_snippet"]
    autocomplete_fields = ["video"]
    extra = 0
    verbose_name = "still (this image as a frame of a video)"
    verbose_name_plural = "Stills: this image as a frame of a video"

    @admin.display(description="Shortcode")
    def shortcode_snippet(self, still):
        return shortcode_html(still)


def shortcode_html(still):
    if not still.pk:
        return "Save to get its shortcode."
    return format_html(
        '<code class="closer-snippet">{}</code> '
        '<button type="button" class="button closer-copy" data-copy="{}">Copy</button>',
        still.shortcode,
        still.shortcode,
    )


class StillAdminForm(StillFormMixin, forms.ModelForm):
    at_seconds = TimecodeField(label="Time")
    grab = forms.BooleanField(
        label="Grab the frame from the video file",
        required=False,
        help_text="For .mp4, .webm and .ogv videos: the server takes the frame at that time "
        "(needs ffmpeg) and adds it to the image library.",
    )
    frame_alt = forms.CharField(
        label="What the frame shows",
        required=False,
        max_length=300,
        help_text="The grabbed image's description, for readers who cannot see it.",
        widget=forms.TextInput(attrs={"class": "vTextField closer-wide"}),
    )

    class Meta:
        model = Still
        fields = ["video", "at_seconds", "image", "caption"]
        help_texts = {"image": "The frame, from the image library; or grab it below."}

    def __init__(self, *args, may_grab=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.grabbed = None
        self.fields["image"].required = False
        if not may_grab:
            del self.fields["grab"], self.fields["frame_alt"]
        elif still_grab.ffmpeg_path() is None:
            # Said before the editor tries: the form would refuse the grab anyway.
            self.fields["grab"].help_text += " ffmpeg is not installed on this server."

    def clean(self):
        cleaned = super().clean()
        video, seconds = cleaned.get("video"), cleaned.get("at_seconds")
        if not cleaned.get("grab"):
            if not cleaned.get("image") and "image" not in self.errors:
                self.add_error(
                    "image", "Pick the frame from the image library, or grab it from the video."
                )
            return cleaned
        if cleaned.get("image"):
            self.add_error("grab", "Pick a library image or grab the frame, not both.")
        if not cleaned.get("frame_alt", "").strip():
            self.add_error("frame_alt", "Describe the frame: it becomes the image's alt text.")
        if self.errors or video is None or seconds is None:
            return cleaned
        try:
            upload = still_grab.still_grab_frame(video=video, at_seconds=seconds)
        except still_grab.GrabError as error:
            self.add_error("grab", str(error))
            return cleaned
        image = Image(file=upload, alt_text=cleaned["frame_alt"].strip(), caption="")
        try:
            image.full_clean()  # the library's own checks: a bad output is refused here
        except ValidationError as error:
            messages = error.message_dict.get("file") or error.messages
            self.add_error("grab", "The grabbed frame was refused: " + " ".join(messages))
            return cleaned
        self.grabbed = image
        return cleaned


@admin.register(Still)
class StillAdmin(admin.ModelAdmin):
    form = StillAdminForm
    list_display = ["thumbnail", "__str__", "caption", "shortcode_snippet", "created_at"]
    list_display_links = ["thumbnail", "__str__"]
    search_fields = ["caption", "video__title", "video__artist", "image__alt_text"]
    list_select_related = ["image", "video"]
    autocomplete_fields = ["video", "image"]
    readonly_fields = ["shortcode_snippet", "preview"]

    class Media:
        css = {"all": ["closer/admin/editor.css"]}
        js = ["closer/admin/copy.js"]

    def get_fieldsets(self, request, obj=None):
        fields = ["video", "at_seconds", "image", "caption"]
        if self._may_grab(request):
            fields[3:3] = ["grab", "frame_alt"]
        fieldsets = [(None, {"fields": fields})]
        if obj is not None:
            fieldsets.append(("Use it in a post", {"fields": ["shortcode_snippet", "preview"]}))
        return fieldsets

    def _may_grab(self, request) -> bool:
        return request.user.has_perm("blog.add_image")

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["fields"] = ["video", "at_seconds", "image", "caption"]
        form = super().get_form(request, obj, change, **kwargs)
        may_grab = self._may_grab(request)

        class RequestForm(form):
            def __init__(self, *args, **kw):
                super().__init__(*args, may_grab=may_grab, **kw)

        return RequestForm

    def save_model(self, request, obj, form, change):
        if form.grabbed is not None:
            form.grabbed.uploaded_by = request.user
            form.grabbed.save()
            obj.image = form.grabbed
        super().save_model(request, obj, form, change)

    @admin.display(description="Frame")
    def thumbnail(self, still):
        url = images.image_thumbnail_url(still.image)
        if not url:
            return "—"
        return format_html('<img class="closer-thumb" src="{}" alt="" loading="lazy">', url)

    @admin.display(description="Shortcode")
    def shortcode_snippet(self, still):
        return shortcode_html(still)

    @admin.display(description="As readers see it")
    def preview(self, still):
        return stills.still_html(still)
