"""Backups: `manage.py backup` then `manage.py restore` loses nothing — posts, tags, videos,
users, history and media files byte for byte — on the same database and across SQLite and
PostgreSQL."""

import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tracemalloc
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

from blog.models import Post, PostVideo
from core.backup import EXCLUDED, storage_files
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

    with pytest.raises(CommandError, match="already has content or users"):
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


def rewrite_archive(source: Path, target: Path, *, manifest=None, extra=()) -> None:
    """Copy a backup, with its manifest replaced (a dict, or raw bytes) and members added."""
    with tarfile.open(source, "r:gz") as old, tarfile.open(target, "w:gz") as new:
        for member in old.getmembers():
            content = old.extractfile(member).read()
            if member.name == "manifest.json" and manifest is not None:
                content = manifest if isinstance(manifest, bytes) else json.dumps(manifest).encode()
            add_member(new, member.name, content)
        for name, content in extra:
            add_member(new, name, content)


def add_member(tar: tarfile.TarFile, name: str, content: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(content)
    tar.addfile(info, io.BytesIO(content))


def read_manifest(archive: Path) -> dict:
    with tarfile.open(archive, "r:gz") as tar:
        return json.loads(tar.extractfile("manifest.json").read())


def test_a_failed_restore_leaves_live_media_and_rows_alone(site, tmp_path, isolated_media):
    """Issue 11 #10: a restore that fails (here: counts that do not match) changes no file,
    though the backup holds other bytes under the same name."""
    good = tmp_path / "good.tar.gz"
    call_command("backup", str(good), stdout=io.StringIO())
    featured = isolated_media / site.featured_image.file.name
    featured.write_bytes(picture(color=(200, 10, 10)))  # the live image changed since
    live = featured.read_bytes()
    Post.objects.filter(pk=site.pk).update(title="Changed after the backup")

    manifest = read_manifest(good)
    manifest["counts"]["blog.post"] += 1
    bad = tmp_path / "bad.tar.gz"
    rewrite_archive(good, bad, manifest=manifest)
    with pytest.raises(CommandError, match="does not match the backup.*nothing was changed"):
        call_command("restore", str(bad), "--replace", stdout=io.StringIO())
    assert featured.read_bytes() == live
    assert Post.objects.get(pk=site.pk).title == "Changed after the backup"

    manifest = read_manifest(good)
    manifest["media"][-1]["sha256"] = "0" * 64
    rewrite_archive(good, bad, manifest=manifest)
    with pytest.raises(CommandError, match="damaged in the backup.*nothing was changed"):
        call_command("restore", str(bad), "--replace", stdout=io.StringIO())
    assert featured.read_bytes() == live
    assert Post.objects.get(pk=site.pk).title == "Changed after the backup"

    # The good backup then restores the image and the row, and says what it replaced.
    out = io.StringIO()
    call_command("restore", str(good), "--replace", stdout=out)
    assert featured.read_bytes() != live
    assert Post.objects.get(pk=site.pk).title == "The room that moves"
    assert "1 written" in out.getvalue() and "rows that were here are gone" in out.getvalue()


def _media_entry(manifest: dict) -> dict:
    return manifest["media"][0]


MALFORMED = {
    "not JSON": (b"{not json", "not valid JSON"),
    "a list": (b"[]", "not a JSON object"),
    "unknown format": ({"format": 99}, "Unknown backup format 99"),
    "no counts": (lambda m: m.pop("counts"), "'counts' must map"),
    "counts of text": (lambda m: m["counts"].update({"blog.post": "3"}), "'counts' must map"),
    "media not a list": (lambda m: m.update(media={}), "'media' must be a list"),
    "media entry not an object": (lambda m: m["media"].append("x"), "not an object"),
    "no checksum": (lambda m: _media_entry(m).pop("sha256"), "no valid sha256"),
    "unsafe name": (lambda m: _media_entry(m).update(name="../x"), "unsafe or malformed"),
    "wrong size": (lambda m: _media_entry(m).update(size=1), "the manifest says 1"),
    "listed twice": (lambda m: m["media"].append(dict(_media_entry(m))), "twice"),
    "missing file": (
        lambda m: m["media"].append({"name": "gone.png", "size": 1, "sha256": "0" * 64}),
        "does not hold it",
    ),
    "unlisted file": (lambda m: m["media"].pop(0), "which its manifest does not list"),
    "no created_at": (lambda m: m.pop("created_at"), "'created_at' is missing"),
}


@pytest.fixture
def backup_of_site(site, tmp_path):
    archive = tmp_path / "site.tar.gz"
    call_command("backup", str(archive), stdout=io.StringIO())
    return archive


@pytest.mark.parametrize("case", MALFORMED, ids=list(MALFORMED))
def test_a_malformed_manifest_is_refused_before_anything_changes(
    case, backup_of_site, tmp_path, isolated_media
):
    change, message = MALFORMED[case]
    manifest = read_manifest(backup_of_site)
    if callable(change):
        change(manifest)
    else:
        manifest = change
    bad = tmp_path / "bad.tar.gz"
    rewrite_archive(backup_of_site, bad, manifest=manifest)
    before = snapshot()
    with pytest.raises(CommandError, match=re.escape(message)):
        call_command("restore", str(bad), "--replace", stdout=io.StringIO())
    assert snapshot() == before


def test_restore_errors_are_one_line_without_a_traceback(db, tmp_path):
    not_a_backup = tmp_path / "notes.tar.gz"
    not_a_backup.write_text("these are my notes")
    broken = tmp_path / "broken.tar.gz"
    with tarfile.open(broken, "w:gz") as tar:
        add_member(tar, "manifest.json", b'{"format": 1, "media": ')
        add_member(tar, "db.json", b"[]")
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "CLOSER_TESTING")}
    env.update(DEBUG="true", CLOSER_VAR_DIR=str(tmp_path / "var"))
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True, timeout=180
    )
    for archive, message in [
        (not_a_backup, "is not a readable .tar.gz backup"),
        (broken, "The manifest is not valid JSON"),
    ]:
        result = subprocess.run(
            [sys.executable, "manage.py", "restore", str(archive)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 1
        assert "Traceback" not in result.stderr
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and message in lines[0], result.stderr


def test_a_large_media_file_is_streamed_not_held_in_memory(db, tmp_path, isolated_media):
    size = 48 * 1024 * 1024
    digest = hashlib.sha256()
    archive = tmp_path / "large.tar.gz"
    with tarfile.open(archive, "w:gz", compresslevel=1) as tar:
        group = {"model": "auth.group", "pk": 1, "fields": {"name": "Readers", "permissions": []}}
        add_member(tar, "db.json", json.dumps([group]).encode())
        info = tarfile.TarInfo("media/videos/long.mp4")
        info.size = size
        tar.addfile(info, _Zeros(size, digest))
        manifest = {
            "format": 1,
            "created_at": "2026-01-01T00:00:00+00:00",
            "database": "sqlite",
            "counts": {"auth.group": 1},
            "media": [{"name": "videos/long.mp4", "size": size, "sha256": digest.hexdigest()}],
        }
        add_member(tar, "manifest.json", json.dumps(manifest).encode())

    tracemalloc.start()
    try:
        call_command("restore", str(archive), stdout=io.StringIO())
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    restored = isolated_media / "videos" / "long.mp4"
    assert restored.stat().st_size == size
    assert peak < 16 * 1024 * 1024, f"restore held {peak / 1e6:.0f} MB at its peak"


class _Zeros:
    """A file of zero bytes, made as it is read, hashed on the way."""

    def __init__(self, size: int, digest):
        self.left, self.digest = size, digest

    def read(self, size=-1):
        size = self.left if size < 0 else min(size, self.left)
        self.left -= size
        chunk = bytes(size)
        self.digest.update(chunk)
        return chunk
