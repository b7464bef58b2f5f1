"""Tags that every page can link and every save keeps (issue 11, items 1 and 9).

"!!!" or "🎬" used to get an empty slug; a name with straight quotes broke apart on the next save.
"""

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
    dependencies = [("blog", "0003_roles")]

    operations = [
        migrations.RunPython(fill_empty_tag_slugs, migrations.RunPython.noop),
        migrations.RunPython(curl_quotes_in_tag_names, migrations.RunPython.noop),
    ]
