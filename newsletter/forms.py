from django import forms

from blog.models import Tag


class SubscribeForm(forms.Form):
    email = forms.EmailField(max_length=254, label="Your email")
    all_essays = forms.TypedChoiceField(
        choices=[("1", "Every new essay"), ("0", "Only essays with these tags:")],
        coerce=lambda value: value == "1",
        initial="1",
        required=False,
        empty_value=True,
        widget=forms.RadioSelect,
        label="What to send",
    )
    tags = forms.ModelMultipleChoiceField(
        queryset=Tag.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    # A honeypot: hidden from people (CSS and aria-hidden), filled in by form-filling bots.
    website = forms.CharField(required=False, label="Leave this empty")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tags"].queryset = Tag.objects.public().order_by("name")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("all_essays") is False and not cleaned.get("tags"):
            self.add_error("tags", "Choose at least one tag, or every new essay.")
        return cleaned

    @property
    def is_bot(self) -> bool:
        return bool(self.data.get("website"))


class ImportForm(forms.Form):
    file = forms.FileField(
        label="CSV file", help_text="One address per line, or a column named email."
    )
    consent = forms.BooleanField(
        label="These people asked to get this newsletter (consent I can show on request)",
        help_text="Imported addresses are confirmed at once: no confirmation email is sent.",
    )
    source = forms.CharField(
        max_length=150, label="Where the consent came from", help_text="Kept with each address."
    )
