"""`manage.py backup`: the database and every media file in one .tar.gz.

The archive holds manifest.json (what is inside, with row counts and checksums), db.json
(Django's JSON serialization with natural foreign keys and times to the microsecond, so it
loads into SQLite or PostgreSQL alike) and media/<name> for every file in the default storage
(a folder on disk or an S3 bucket). `manage.py restore` reads it back with loaddata; the
helpers below are shared with it.
"""

import datetime
import hashlib
import io
import json
import os
import tarfile
import tempfile
import time
from pathlib import Path, PurePosixPath

import django
from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone

FORMAT = 1
MANIFEST = "manifest.json"
DATA = "db.json"
MEDIA_PREFIX = "media/"

# Rebuilt by `migrate` (content types, permissions), by `restore` (the search index, derived
# from the posts) or not worth keeping (sessions); natural keys let everything else point at
# the rebuilt rows.
EXCLUDED = ["contenttypes", "auth.permission", "sessions", "blog.searchdocument"]


def model_counts() -> dict[str, int]:
    """Return the number of rows of every model the backup carries, by label."""
    counts = {}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.app_label in EXCLUDED or meta.label_lower in EXCLUDED or not meta.managed:
            continue
        if meta.proxy:
            continue
        counts[meta.label_lower] = model._base_manager.count()
    return counts


def storage_files(storage, folder: str = "") -> list[str]:
    """Return the names of every file in storage, depth first, sorted."""
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:  # a fresh MEDIA_ROOT that was never created
        return []
    names = [f"{folder}/{name}" if folder else name for name in sorted(files)]
    for sub in sorted(folders):
        names += storage_files(storage, f"{folder}/{sub}" if folder else sub)
    return names


def sha256(chunks) -> str:
    digest = hashlib.sha256()
    for chunk in chunks:
        digest.update(chunk)
    return digest.hexdigest()


def safe_media_name(member_name: str) -> str | None:
    """Return the storage name for an archive member under media/, or None if it is unsafe."""
    if not member_name.startswith(MEDIA_PREFIX):
        return None
    name = member_name[len(MEDIA_PREFIX) :]
    path = PurePosixPath(name)
    if not name or path.is_absolute() or any(part in ("..", "", ".") for part in path.parts):
        return None
    if "\\" in name or "\x00" in name:
        return None
    return str(path)


class Command(BaseCommand):
    help = (
        "Write the database (all content, users and history) and every media file into one "
        ".tar.gz. Give a folder (a dated file is created in it) or a file name ending in .tar.gz. "
        "Restore it with `manage.py restore FILE`, on SQLite or PostgreSQL."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "destination",
            nargs="?",
            default=str(Path(settings.VAR_DIR) / "backups"),
            help="A folder, or a file name ending in .tar.gz. [var/backups/]",
        )

    def handle(self, *args, destination, **options):
        target = self._target(Path(destination))
        target.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory() as scratch:
            dump = Path(scratch) / DATA
            counts = self._dump(dump)
            # Write beside the target and rename at the end: a half-written backup never
            # looks like a finished one.
            partial = target.with_name(f".{target.name}.partial")
            try:
                with tarfile.open(partial, "w:gz") as archive:
                    archive.add(dump, arcname=DATA)
                    media = self._add_media(archive)
                    manifest = {
                        "format": FORMAT,
                        "created_at": timezone.now().isoformat(),
                        "django": django.get_version(),
                        "database": connection.vendor,
                        "counts": counts,
                        "media": media,
                    }
                    _add_bytes(archive, MANIFEST, json.dumps(manifest, indent=2).encode())
                os.replace(partial, target)
            finally:
                partial.unlink(missing_ok=True)
        rows = sum(counts.values())
        size = sum(item["size"] for item in media)
        self.stdout.write(
            self.style.SUCCESS(
                f"Backup written to {target}: {rows} rows, {len(media)} media files "
                f"({size / 1e6:.1f} MB of media)."
            )
        )

    def _target(self, destination: Path) -> Path:
        if destination.name.endswith(".tar.gz"):
            if destination.is_dir():
                raise CommandError(f"{destination} is a folder; give a file name or the folder.")
            return destination
        if destination.exists() and not destination.is_dir():
            raise CommandError(f"{destination} exists and is not a folder or a .tar.gz file.")
        stamp = time.strftime("%Y%m%d-%H%M%S", time.gmtime())
        return destination / f"closer-backup-{stamp}.tar.gz"

    def _dump(self, path: Path) -> dict[str, int]:
        """Dump the database to path in one consistent snapshot; return the row counts."""
        with transaction.atomic():
            if connection.vendor == "postgresql":
                # Every table as of the same moment, without blocking authors.
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            # On SQLite the IMMEDIATE transaction holds the write lock for the dump's few
            # seconds: authors' saves wait (busy timeout), readers carry on (WAL).
            with open(path, "w", encoding="utf-8") as stream:
                serializers.serialize(
                    "json",
                    _rows(),
                    stream=stream,
                    # Content types and permissions are rebuilt by migrate with other ids:
                    # point at them by name. Rows keep their ids, so URLs stay the same.
                    use_natural_foreign_keys=True,
                    cls=FullPrecisionEncoder,
                )
            return model_counts()

    def _add_media(self, archive: tarfile.TarFile) -> list[dict]:
        media = []
        for name in storage_files(default_storage):
            info = tarfile.TarInfo(MEDIA_PREFIX + name)
            info.size = default_storage.size(name)
            info.mtime, info.mode = int(time.time()), 0o644
            with default_storage.open(name, "rb") as source:
                reader = _HashingReader(source)
                archive.addfile(info, reader)  # streamed: large files never sit in memory
            media.append({"name": name, "size": info.size, "sha256": reader.hexdigest()})
        return media


def _add_bytes(archive: tarfile.TarFile, name: str, content: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(content)
    info.mtime = int(time.time())
    info.mode = 0o644
    archive.addfile(info, io.BytesIO(content))


class FullPrecisionEncoder(DjangoJSONEncoder):
    """Django's JSON encoder, but keeping microseconds (it cuts times to milliseconds)."""

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


def _rows():
    """Yield every row the backup carries, models ordered so that loading them works."""
    models = {}
    for model in apps.get_models():
        meta = model._meta
        if meta.app_label in EXCLUDED or meta.label_lower in EXCLUDED:
            continue
        if meta.proxy or not meta.managed:
            continue
        models.setdefault(apps.get_app_config(meta.app_label), []).append(model)
    for model in serializers.sort_dependencies(models.items(), allow_cycles=True):
        yield from model._base_manager.order_by(model._meta.pk.name).iterator()


class _HashingReader:
    """A file wrapper that hashes what is read through it."""

    def __init__(self, file):
        self.file, self.digest = file, hashlib.sha256()

    def read(self, size=-1):
        chunk = self.file.read(size)
        self.digest.update(chunk)
        return chunk

    def hexdigest(self) -> str:
        return self.digest.hexdigest()
