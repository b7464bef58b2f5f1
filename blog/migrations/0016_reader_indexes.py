# The reader lists' index also covers updated_at (the archive and sitemaps read it): the new
# index is built before the old one goes, so no request runs without one.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("blog", "0015_video_relation_names"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="post",
            index=models.Index(
                fields=["status", "-published_at", "updated_at"], name="blog_post_status_pub_upd"
            ),
        ),
        migrations.RemoveIndex(model_name="post", name="blog_post_status_pub"),
    ]
