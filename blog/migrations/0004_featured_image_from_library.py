"""Featured images become library images; every image's renditions take the pipeline's one shape.

Each post's featured-image file becomes a library ``Image`` (same file, same renditions, its alt
text; an image that had none is marked decorative, which is what readers got: ``alt=""``), and
``Post.featured_image`` points at it. Renditions change from
``{"width", "height", "format", "sources": [{"width", "height", "type", "name"}]}`` to the
list ``[{"name", "format", "width", "height"}]`` that video posters already use. No file is
moved or rewritten; only a featured image stored before renditions existed is opened once, to
record its size.
"""

import django.db.models.deletion
from django.db import migrations, models
from PIL import Image as PILImage

FORMAT_OF_TYPE = {
    "image/jpeg": "jpeg",
    "image/png": "png",
    "image/webp": "webp",
    "image/gif": "gif",
    "image/avif": "avif",
}
TYPE_OF_FORMAT = {fmt: mime for mime, fmt in FORMAT_OF_TYPE.items()}


def renditions_as_list(old) -> list:
    if isinstance(old, list):
        return old
    return [
        {
            "name": source["name"],
            "format": FORMAT_OF_TYPE.get(source.get("type"), ""),
            "width": source["width"],
            "height": source["height"],
        }
        for source in (old or {}).get("sources") or ()
        if source.get("name") and source.get("width")
    ]


def renditions_as_dict(new, width, height) -> dict:
    if isinstance(new, dict):
        return new
    if not new:
        return {}
    return {
        "width": width,
        "height": height,
        "format": "",
        "sources": [
            {
                "width": item["width"],
                "height": item["height"],
                "type": TYPE_OF_FORMAT.get(item["format"], ""),
                "name": item["name"],
            }
            for item in new
        ],
    }


def stored_size(fieldfile) -> tuple[int, int]:
    try:
        with fieldfile.storage.open(fieldfile.name) as stored, PILImage.open(stored) as picture:
            return picture.size
    except Exception:  # a missing or unreadable file keeps its row; the size stays unknown
        return 0, 0


def forwards(apps, schema_editor):
    Image = apps.get_model("blog", "Image")
    Post = apps.get_model("blog", "Post")
    for image in Image.objects.all():
        image.renditions = renditions_as_list(image.renditions)
        image.save(update_fields=["renditions"])
    for post in Post.objects.exclude(featured_image_file="").select_related("author"):
        old = post.featured_image_renditions or {}
        width, height = old.get("width") or 0, old.get("height") or 0
        if not width:
            width, height = stored_size(post.featured_image_file)
        alt = post.featured_image_alt.strip()
        image = Image.objects.create(
            file=post.featured_image_file.name,
            alt_text=alt,
            decorative=not alt,
            width=width,
            height=height,
            renditions=renditions_as_list(old),
            uploaded_by=post.author,
        )
        Post.objects.filter(pk=post.pk).update(featured_image=image)
    if schema_editor.connection.vendor == "postgresql":
        # Check the new foreign keys now, so the columns can be dropped in this transaction.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def backwards(apps, schema_editor):
    Image = apps.get_model("blog", "Image")
    Post = apps.get_model("blog", "Post")
    for post in Post.objects.exclude(featured_image=None).select_related("featured_image"):
        image = post.featured_image
        Post.objects.filter(pk=post.pk).update(
            featured_image_file=image.file.name,
            featured_image_alt=image.alt_text,
            featured_image_renditions=renditions_as_dict(
                image.renditions, image.width, image.height
            ),
        )
    for image in Image.objects.all():
        image.renditions = renditions_as_dict(image.renditions, image.width, image.height)
        image.save(update_fields=["renditions"])
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


class Migration(migrations.Migration):
    dependencies = [
        ("blog", "0003_roles"),
    ]

    operations = [
        migrations.RenameField(
            model_name="post", old_name="featured_image", new_name="featured_image_file"
        ),
        migrations.AddField(
            model_name="post",
            name="featured_image",
            field=models.ForeignKey(
                blank=True,
                help_text=(
                    "A library image shown at the top of the post, on its card and in link "
                    "previews. It needs a description."
                ),
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="featured_on",
                to="blog.image",
            ),
        ),
        migrations.AlterField(
            model_name="image",
            name="renditions",
            field=models.JSONField(
                blank=True,
                default=list,
                editable=False,
                help_text="Stored resized copies: name, format, width and height of each.",
            ),
        ),
        migrations.RunPython(forwards, backwards),
        migrations.RemoveField(model_name="post", name="featured_image_alt"),
        migrations.RemoveField(model_name="post", name="featured_image_file"),
        migrations.RemoveField(model_name="post", name="featured_image_renditions"),
    ]
