"""Tags every page can link and every save keeps; Authors' edits held for review (issue 11).

"!!!" or "🎬" used to get an empty slug (items 1); a name with straight quotes broke apart on the
next save (item 9); an Author's edit of a published post now waits for an Editor (item 12).
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

from blog.models import tag_slug_base


def fill_empty_tag_slugs(apps, schema_editor):
    Tag = apps.get_model("blog", "Tag")
    taken = set(Tag.objects.exclude(slug="").values_list("slug", flat=True))
    for tag in Tag.objects.filter(slug="").order_by("pk"):
        slug = base = tag_slug_base(tag.name)
        n = 2
        while slug in taken:
            slug, n = f"{base}-{n}", n + 1
        taken.add(slug)
        Tag.objects.filter(pk=tag.pk).update(slug=slug)


def curl_quotes_in_tag_names(apps, schema_editor):
    # A straight quote splits a name apart on the next save of a post's tag field.
    Tag = apps.get_model("blog", "Tag")
    for tag in Tag.objects.filter(name__contains='"'):
        pieces = tag.name.split('"')
        name = pieces[0] + "".join(
            ("“" if n % 2 else "”") + piece for n, piece in enumerate(pieces[1:], start=1)
        )
        if not Tag.objects.filter(name__iexact=name).exists():
            Tag.objects.filter(pk=tag.pk).update(name=name)


class Migration(migrations.Migration):
    dependencies = [
        ("blog", "0004_featured_image_from_library"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(fill_empty_tag_slugs, migrations.RunPython.noop),
        migrations.RunPython(curl_quotes_in_tag_names, migrations.RunPython.noop),
        migrations.CreateModel(
            name="PendingChange",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("title", models.CharField(max_length=200)),
                ("slug", models.SlugField(max_length=200)),
                ("excerpt", models.TextField(blank=True)),
                ("body", models.TextField(blank=True)),
                (
                    "body_format",
                    models.CharField(
                        choices=[("markdown", "Markdown"), ("html", "HTML (imported content)")],
                        max_length=10,
                    ),
                ),
                ("tag_names", models.JSONField(blank=True, default=list)),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("post_updated_at", models.DateTimeField(null=True)),
                (
                    "created_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="pending_post_changes",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "post",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="pending_change",
                        to="blog.post",
                    ),
                ),
            ],
            options={"verbose_name": "pending change"},
        ),
    ]
