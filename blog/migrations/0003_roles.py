"""The "Author" and "Editor" groups.

Authors write: they add posts, edit their own (the admin narrows the queryset and checks each
object), upload images and attach videos, but cannot publish, schedule or unpublish. Editors
edit and publish everything and look after tags.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

AUTHOR = [
    "blog.add_post", "blog.change_post", "blog.view_post",
    "blog.add_postvideo", "blog.change_postvideo", "blog.delete_postvideo", "blog.view_postvideo",
    "blog.add_image", "blog.change_image", "blog.view_image",
    "blog.view_tag",
    "videos.view_video",
]  # fmt: skip
EDITOR = AUTHOR + [
    "blog.delete_post", "blog.publish_post", "blog.change_any_post",
    "blog.delete_image",
    "blog.add_tag", "blog.change_tag", "blog.delete_tag",
    "videos.change_video",
]  # fmt: skip
GROUPS = {"Author": AUTHOR, "Editor": EDITOR}


def create_groups(apps, schema_editor):
    # Permissions are normally created after migrate; these groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GROUPS.items():
        group, _ = Group.objects.get_or_create(name=name)
        for dotted in codenames:
            app_label, codename = dotted.split(".")
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("blog", "0002_authoring"),
        ("videos", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
