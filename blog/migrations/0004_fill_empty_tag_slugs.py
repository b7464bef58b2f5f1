"""Give every tag a slug its URL can use (issue 11: "!!!" or "🎬" used to get an empty one)."""

from django.db import migrations

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


class Migration(migrations.Migration):
    dependencies = [("blog", "0003_roles")]

    operations = [migrations.RunPython(fill_empty_tag_slugs, migrations.RunPython.noop)]
