# "Poster" is the one name for a video's picture (issue 9): the stored file and the address the
# provider gave for it.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("videos", "0005_providers_memorial_cards")]

    operations = [
        migrations.RenameField(model_name="video", old_name="thumbnail", new_name="poster_file"),
        migrations.RenameField(
            model_name="video", old_name="remote_thumbnail_url", new_name="remote_poster_url"
        ),
    ]
