"""Backups: `manage.py backup` then `manage.py restore` loses nothing — posts, tags, videos,
users, history and media files byte for byte — on the same database and across SQLite and
PostgreSQL."""

import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core import serializers
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone
from PIL import Image

from blog.management.commands.backup import EXCLUDED, storage_files
from blog.models import Post, PostVideo
from videos.posters import poster_clean
from videos.services import video_get_or_create_from_url, video_set_poster

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db(transaction=True)


def picture(fmt="PNG", size=(1000, 600), color=(20, 120, 200)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, fmt)
    return buffer.getvalue()


@pytest.fixture
def site(make_post, make_user, make_image):
    """A small but complete site: every kind of row and file the backup must keep."""
    editors = Group.objects.create(name="Editors")
    editors.permissions.add(
        Permission.objects.get(codename="change_post", content_type__app_label="blog")
    )
    editor = make_user(username="editor", password="editor-password-123", is_staff=True)
    editor.groups.add(editors)
    editor.user_permissions.add(
        Permission.objects.get(codename="add_tag", content_type__app_label="blog")
    )
    make_user(username="boss", password="boss-password-123", is_staff=True, is_superuser=True)

    essay = make_post(
        title="The room that moves",
        body="It moves.\n\nhttps://www.youtube.com/watch?v=4JkIs37a2JE\n",
        tags=["Jonathan Glazer", "1990s"],
        featured_image=make_image(alt_text="The set"),
    )
    video, ref = video_get_or_create_from_url(url="https://vimeo.com/76979871")
    video.title = "Behind the scenes"
    video_set_poster(video=video, picture=poster_clean(picture("JPEG", (1280, 720))))
    video.save()
    PostVideo.objects.create(post=essay, video=video, caption="The making of", position=0)
    make_post(title="Secret draft", status=Post.Status.DRAFT, published_at=None, tags=["1990s"])
    # Sub-millisecond times must survive too (a JSON dump would cut them off).
    later = (timezone.now() + timedelta(days=30)).replace(microsecond=417)
    make_post(title="Next month", published_at=later)
    return essay


def snapshot() -> dict:
    """Every row the backup carries (ids included), plus every media file's checksum."""
    from django.apps import apps

    rows = {}
    for model in apps.get_models():
        meta = model._meta
        if meta.app_label in EXCLUDED or meta.label_lower in EXCLUDED:
            continue
        # Python objects, not JSON: datetimes compare to the microsecond.
        data = serializers.serialize(
            "python", model._base_manager.order_by("pk"), use_natural_foreign_keys=True
        )
        rows[meta.label_lower] = sorted(
            json.dumps(item, sort_keys=True, default=str) for item in data
        )
    from django.core.files.storage import default_storage

    files = {
        name: hashlib.sha256(default_storage.open(name, "rb").read()).hexdigest()
        for name in storage_files(default_storage)
    }
    return {"rows": rows, "media": files}


def wipe(media_root: Path) -> None:
    call_command("flush", interactive=False, verbosity=0)
    shutil.rmtree(media_root, ignore_errors=True)


def test_round_trip_loses_nothing(site, tmp_path, isolated_media, client):
    before = snapshot()
    assert len(before["media"]) >= 3  # the featured image, its renditions, the poster's
    assert before["rows"]["blog.post"] and before["rows"]["videos.video"]

    out = io.StringIO()
    call_command("backup", str(tmp_path / "backups"), stdout=out)
    (archive,) = (tmp_path / "backups").glob("closer-backup-*.tar.gz")
    assert f"Backup written to {archive}" in out.getvalue()

    wipe(isolated_media)
    assert not Post.objects.exists() and not get_user_model().objects.exists()

    out = io.StringIO()
    call_command("restore", str(archive), stdout=out)
    assert "Restored" in out.getvalue()
    after = snapshot()
    assert Post.objects.get(title="Next month").published_at.microsecond == 417
    assert after["media"] == before["media"]
    assert after["rows"] == before["rows"]

    # The restored site works: pages, files, passwords, permissions.
    page = client.get(site.get_absolute_url())
    assert page.status_code == 200 and "The room that moves" in page.content.decode()
    assert client.login(username="editor", password="editor-password-123")
    editor = get_user_model().objects.get(username="editor")
    assert editor.has_perm("blog.change_post") and editor.has_perm("blog.add_tag")
    assert "Secret draft" not in client.get("/").content.decode()


def test_restore_refuses_a_database_with_content_unless_told_to_replace(site, tmp_path):
    archive = tmp_path / "site.tar.gz"
    call_command("backup", str(archive), stdout=io.StringIO())
    Post.objects.filter(title="Next month").update(title="Changed after the backup")

    with pytest.raises(CommandError, match="already has posts or users"):
        call_command("restore", str(archive), stdout=io.StringIO())
    assert Post.objects.filter(title="Changed after the backup").exists()

    call_command("restore", str(archive), "--replace", stdout=io.StringIO())
    assert Post.objects.filter(title="Next month").exists()
    assert not Post.objects.filter(title="Changed after the backup").exists()


def test_restore_refuses_an_archive_that_escapes_the_media_folder(db, tmp_path, isolated_media):
    archive = tmp_path / "evil.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        for name, content in [
            ("manifest.json", json.dumps({"format": 1, "counts": {}, "media": []}).encode()),
            ("db.json", b"[]"),
            ("media/../../outside.txt", b"gotcha"),
        ]:
            info = tarfile.TarInfo(name)
            info.size = len(content)
            tar.addfile(info, io.BytesIO(content))
    with pytest.raises(CommandError, match="unexpected entry"):
        call_command("restore", str(archive), stdout=io.StringIO())
    assert not (isolated_media.parent / "outside.txt").exists()
    assert not (tmp_path / "outside.txt").exists()


def test_restore_into_another_database(site, tmp_path):
    """Back up this database, restore into a fresh one of the other kind in another process:
    the SQLite run restores into PostgreSQL (when it answers), the PostgreSQL run into SQLite."""
    archive = tmp_path / "site.tar.gz"
    call_command("backup", str(archive), stdout=io.StringIO())
    expected = {label: len(rows) for label, rows in snapshot()["rows"].items() if rows}

    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "CLOSER_TESTING")}
    env.update(
        DEBUG="true",
        CLOSER_VAR_DIR=str(tmp_path / "other"),
        DJANGO_SETTINGS_MODULE="config.settings",
    )
    other_db = None
    if connection.vendor == "sqlite":
        other_db = _fresh_postgres_database()
        if other_db:
            env["DATABASE_URL"] = other_db[0]
    target = "postgresql" if other_db else "sqlite"
    script = (
        "import sys, json, django; django.setup(); "
        "from django.core.management import call_command; "
        "call_command('migrate', verbosity=0); call_command('restore', sys.argv[1]); "
        "from django.apps import apps; from django.db import connection; "
        "print(json.dumps({'vendor': connection.vendor, 'counts': {m._meta.label_lower: "
        "m._base_manager.count() for m in apps.get_models()}}))"
    )
    try:
        result = subprocess.run(
            [sys.executable, "-c", script, str(archive)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=180,
        )
    finally:
        if other_db:
            other_db[1]()
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["vendor"] == target
    for label, count in expected.items():
        assert report["counts"][label] == count, label
    media = tmp_path / "other" / "media"
    restored = {str(p.relative_to(media)) for p in media.rglob("*") if p.is_file()}
    assert restored == set(snapshot()["media"])


def _fresh_postgres_database():
    """Return (url, drop) for a new empty PostgreSQL database, or None if none answers."""
    try:
        import psycopg

        admin = psycopg.connect(
            "postgresql://postgres@127.0.0.1:5432/postgres", connect_timeout=3, autocommit=True
        )
    except Exception:
        return None
    name = f"closer_restore_{uuid.uuid4().hex[:10]}"
    admin.execute(f'CREATE DATABASE "{name}"')

    def drop():
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()

    return f"postgres://postgres@127.0.0.1:5432/{name}", drop
