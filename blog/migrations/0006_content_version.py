"""The site-wide content version behind the page cache and the HTTP validators."""

import time

import django.utils.timezone
from django.db import migrations, models


def create_the_row(apps, schema_editor):
    # As blog.page_cache.fresh_version_fields(): a generation that only ever grows.
    apps.get_model("blog", "ContentVersion").objects.get_or_create(
        pk=1,
        defaults={"generation": time.time_ns() // 1_000_000, "last_modified": int(time.time())},
    )


class Migration(migrations.Migration):
    dependencies = [("blog", "0005_tag_slugs_and_pending_changes")]

    operations = [
        migrations.CreateModel(
            name="ContentVersion",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("generation", models.BigIntegerField(default=0)),
                ("last_modified", models.BigIntegerField(default=0)),
                ("bumped_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("transaction_token", models.CharField(blank=True, max_length=32)),
            ],
        ),
        migrations.RunPython(create_the_row, migrations.RunPython.noop),
    ]
