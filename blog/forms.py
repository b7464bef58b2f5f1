from django import forms

from blog.models import PostVideo
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
            self.video_ref = parse_video_url(url)
        except UnsupportedVideoURL as error:
            raise forms.ValidationError(str(error), code="unsupported_video_url") from error
        return url

    def save(self, commit=True):
        video, ref = video_get_or_create_from_url(url=self.cleaned_data["url"])
        self.instance.video = video
        self.instance.start_seconds = ref.start_seconds
        return super().save(commit=commit)
