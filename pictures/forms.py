"""The form field for picture uploads: the pipeline's checks, with errors that say what is wrong."""

from django import forms

from pictures.pipeline import MIME_TYPES, picture_clean


class PictureFormField(forms.ImageField):
    """An image upload checked by ``picture_clean`` with the subclass's ``rules``.

    Django's own ImageField only runs Pillow's quick verify() on any format Pillow knows and
    turns every failure, decompression bombs included, into one vague message. The clean
    picture is remembered on the upload, so the model's save does not decode it again.
    """

    rules = None  # a callable returning the PictureRules (read at validation time)
    default_error_messages = {"invalid_image": "Upload a JPEG, PNG or WebP image."}

    def to_python(self, data):
        upload = forms.FileField.to_python(self, data)
        if upload is None:
            return None
        clean = picture_clean(upload, rules=self.rules())
        upload.content_type = MIME_TYPES[clean.format]
        return upload

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        if isinstance(widget, forms.FileInput):
            attrs["accept"] = ",".join(self.rules().mime_types)
        return attrs
