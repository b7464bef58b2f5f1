# One name for each post–video relation (issue 9): a post's ``attached_videos`` (listed under
# the essay, through ``video_attachments`` rows) and its ``inline_videos`` (placed in the body);
# from the video's side, ``attached_posts``, ``inline_posts`` and ``post_attachments``.
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("blog", "0014_draft_shares"),
        ("videos", "0006_poster_names"),
    ]

    operations = [
        migrations.RenameField(model_name="post", old_name="videos", new_name="attached_videos"),
        migrations.RenameField(
            model_name="post", old_name="embedded_videos", new_name="inline_videos"
        ),
        migrations.AlterField(
            model_name="post",
            name="inline_videos",
            field=models.ManyToManyField(
                blank=True,
                editable=False,
                help_text="Videos placed inside the body; kept in step with the body on save.",
                related_name="inline_posts",
                to="videos.video",
            ),
        ),
        migrations.AlterField(
            model_name="postvideo",
            name="post",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="video_attachments",
                to="blog.post",
            ),
        ),
        migrations.AlterField(
            model_name="postvideo",
            name="video",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="post_attachments",
                to="videos.video",
            ),
        ),
    ]
