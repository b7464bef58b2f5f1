"""Backups: the database and every media file in one .tar.gz, and restoring one.

The archive holds manifest.json (what is inside, with row counts and checksums), db.json
(Django's JSON serialization with natural foreign keys and times to the microsecond, so it
loads into SQLite or PostgreSQL alike) and media/<name> for every file in the default storage
(a folder on disk or an S3 bucket). `manage.py backup` and `manage.py restore` are thin
commands over backup_create() and backup_restore().

A restore changes nothing until it knows it can finish: the manifest is checked first, every
media file is streamed to a staging folder and checked against its checksum, the database is
replaced in one transaction, and only after that transaction commits are the staged files put
into storage. Members are copied in chunks, so a large video file never sits in memory.
"""

import datetime
import hashlib
import io
import json
import os
import re
import tarfile
import tempfile
import time
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import django
from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.serializers.base import DeserializationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connection, connections, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

FORMAT = 1
MANIFEST = "manifest.json"
DATA = "db.json"
MEDIA_PREFIX = "media/"
CHUNK = 1024 * 1024
# A manifest lists names and checksums; one this big is not ours.
MANIFEST_MAX_BYTES = 64 * 1024 * 1024

# Rebuilt by `migrate` (content types, permissions) or not worth keeping (sessions, login
# throttle counters); natural
# keys let everything else point at the rebuilt rows.
# The content version must only move on: restoring an old one would bring back page-cache
# keys that name other content.
EXCLUDED = [
    "contenttypes",
    "auth.permission",
    "sessions",
    "core.loginthrottle",
    "blog.contentversion",
    "blog.searchdocument",  # derived from the posts: rebuilt after a restore
]
# Rows a fresh `migrate` creates by itself (the Author and Editor groups): not "content".
SEEDED_BY_MIGRATIONS = {"auth.group", "auth.group_permissions"}

_SHA256 = re.compile(r"[0-9a-f]{64}")


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why and what was changed."""


@dataclass(frozen=True)
class BackupSummary:
    path: Path
    rows: int
    media_files: int
    media_bytes: int


@dataclass(frozen=True)
class RestoreSummary:
    rows: int
    media_written: int
    media_unchanged: int
    rows_replaced: int
    created_at: str
    database: str


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


# Writing a backup ---------------------------------------------------------------------------


def backup_target(destination: Path) -> Path:
    """Return the archive path for a destination: a file name as given, or a dated file in a folder."""
    if destination.name.endswith(".tar.gz"):
        if destination.is_dir():
            raise BackupError(f"{destination} is a folder; give a file name or the folder.")
        return destination
    if destination.exists() and not destination.is_dir():
        raise BackupError(f"{destination} exists and is not a folder or a .tar.gz file.")
    stamp = time.strftime("%Y%m%d-%H%M%S", time.gmtime())
    return destination / f"closer-backup-{stamp}.tar.gz"


def backup_create(*, destination: Path) -> BackupSummary:
    """Write the database and every media file into one .tar.gz; return what it holds."""
    target = backup_target(destination)
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        dump = Path(scratch) / DATA
        counts = _dump(dump)
        # Write beside the target and rename at the end: a half-written backup never
        # looks like a finished one.
        partial = target.with_name(f".{target.name}.partial")
        try:
            with tarfile.open(partial, "w:gz") as archive:
                archive.add(dump, arcname=DATA)
                media = _add_media(archive)
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
    return BackupSummary(
        path=target,
        rows=sum(counts.values()),
        media_files=len(media),
        media_bytes=sum(item["size"] for item in media),
    )


def _dump(path: Path) -> dict[str, int]:
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


def _add_media(archive: tarfile.TarFile) -> list[dict]:
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


# Restoring a backup -------------------------------------------------------------------------


def backup_restore(*, archive: Path, replace: bool = False) -> RestoreSummary:
    """Restore a backup into this database and media storage, or change nothing and say why.

    Without replace, the database must hold no content or users. With it, every row is
    replaced; media files in the backup overwrite those of the same name, others are kept.
    """
    if not archive.is_file():
        raise BackupError(f"No backup file at {archive}.")
    _check_migrated()
    existing = _content_counts()
    if existing and not replace:
        found = ", ".join(f"{label}: {count}" for label, count in sorted(existing.items()))
        raise BackupError(
            f"This database already has content or users ({found}). Restore into an empty, "
            "migrated database, or pass --replace to delete everything in it first."
        )
    with _open_archive(archive) as tar, tempfile.TemporaryDirectory() as scratch:
        members = _read_members(tar)
        manifest = _read_manifest(tar, members)
        data, staged = _stage(tar, members, manifest["media"], Path(scratch))
        _load_database(data, manifest["counts"])
        written, unchanged = _swap_media(staged)
    return RestoreSummary(
        rows=sum(manifest["counts"].values()),
        media_written=written,
        media_unchanged=unchanged,
        rows_replaced=sum(existing.values()),
        created_at=manifest["created_at"],
        database=manifest["database"],
    )


def _check_migrated() -> None:
    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        raise BackupError("The database is not up to date: run `manage.py migrate` first.")


def _content_counts() -> dict[str, int]:
    """Return the models that hold rows a fresh, migrated database would not have."""
    return {
        label: n for label, n in model_counts().items() if n and label not in SEEDED_BY_MIGRATIONS
    }


class _open_archive:
    """Open a .tar.gz for streaming reads, turning "not a gzip/tar file" into a BackupError."""

    def __init__(self, path: Path):
        self.path = path

    def __enter__(self) -> tarfile.TarFile:
        try:
            self.tar = tarfile.open(self.path, "r:gz")
        except (tarfile.TarError, EOFError, OSError, zlib.error) as error:
            raise BackupError(f"{self.path} is not a readable .tar.gz backup ({error}).") from None
        return self.tar

    def __exit__(self, *exc_info):
        self.tar.close()


def _read_members(tar: tarfile.TarFile) -> dict[str, tarfile.TarInfo]:
    members = {}
    try:
        for member in tar.getmembers():
            if member.name in (MANIFEST, DATA) and member.isfile():
                members[member.name] = member
            elif not (member.isfile() and safe_media_name(member.name)):
                raise BackupError(f"Refusing a backup with an unexpected entry: {member.name!r}.")
            else:
                members[member.name] = member
    except (tarfile.TarError, EOFError, OSError, zlib.error) as error:
        raise BackupError(f"The backup is damaged or cut short ({error}).") from None
    if MANIFEST not in members or DATA not in members:
        raise BackupError(f"This is not a Closer backup (no {MANIFEST} or {DATA}).")
    return members


def _read_manifest(tar: tarfile.TarFile, members: dict[str, tarfile.TarInfo]) -> dict:
    """Return the manifest once it is known to be whole and to match the archive."""
    member = members[MANIFEST]
    if member.size > MANIFEST_MAX_BYTES:
        raise BackupError(f"The manifest is {member.size} bytes: not a Closer backup.")
    try:
        manifest = json.loads(tar.extractfile(member).read())
    except (ValueError, UnicodeDecodeError) as error:
        raise BackupError(f"The manifest is not valid JSON ({error}).") from None
    if not isinstance(manifest, dict):
        raise BackupError("The manifest is not a JSON object.")
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Unknown backup format {manifest.get('format')!r}.")
    for key in ("created_at", "database"):
        if not isinstance(manifest.get(key), str):
            raise BackupError(f"The manifest's {key!r} is missing or not text.")
    counts = manifest.get("counts")
    if not isinstance(counts, dict) or not all(
        isinstance(label, str) and type(n) is int and n >= 0 for label, n in counts.items()
    ):
        raise BackupError("The manifest's 'counts' must map model labels to row counts.")
    media = manifest.get("media")
    if not isinstance(media, list):
        raise BackupError("The manifest's 'media' must be a list.")
    listed = set()
    for item in media:
        _check_media_item(item, members, listed)
    unlisted = sorted(
        name for name in members if name.startswith(MEDIA_PREFIX) and name not in listed
    )
    if unlisted:
        raise BackupError(f"The backup holds {unlisted[0]!r}, which its manifest does not list.")
    return manifest


def _check_media_item(item, members: dict, listed: set) -> None:
    if not isinstance(item, dict):
        raise BackupError(f"A media entry in the manifest is not an object: {item!r:.80}.")
    name, size, digest = item.get("name"), item.get("size"), item.get("sha256")
    if not isinstance(name, str) or safe_media_name(MEDIA_PREFIX + name) != name:
        raise BackupError(f"The manifest lists an unsafe or malformed media name: {name!r:.80}.")
    if type(size) is not int or size < 0:
        raise BackupError(f"The manifest gives no valid size for media file {name!r}.")
    if not isinstance(digest, str) or not _SHA256.fullmatch(digest):
        raise BackupError(f"The manifest gives no valid sha256 for media file {name!r}.")
    member_name = MEDIA_PREFIX + name
    if member_name in listed:
        raise BackupError(f"The manifest lists media file {name!r} twice.")
    member = members.get(member_name)
    if member is None:
        raise BackupError(f"The backup lists media file {name!r} but does not hold it.")
    if member.size != size:
        raise BackupError(
            f"Media file {name!r} is {member.size} bytes in the backup, the manifest says {size}."
        )
    listed.add(member_name)


@dataclass(frozen=True)
class _StagedFile:
    name: str
    path: Path
    sha256: str


def _copy_member(tar: tarfile.TarFile, member: tarfile.TarInfo, target: Path) -> str:
    """Stream one member to target in chunks; return its sha256."""
    digest = hashlib.sha256()
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        with tar.extractfile(member) as source, open(target, "wb") as out:
            while chunk := source.read(CHUNK):
                digest.update(chunk)
                out.write(chunk)
    except (tarfile.TarError, EOFError, zlib.error) as error:
        raise BackupError(f"{member.name!r} is damaged in the backup ({error}).") from None
    return digest.hexdigest()


def _stage(tar, members, media: list[dict], folder: Path) -> tuple[Path, list[_StagedFile]]:
    """Copy the data and every media file out of the archive, checking each checksum."""
    data = folder / DATA
    jobs = [(members[DATA], data, None)]
    staged = []
    for number, item in enumerate(media):
        path = folder / "media" / str(number)
        jobs.append((members[MEDIA_PREFIX + item["name"]], path, item))
        staged.append(_StagedFile(item["name"], path, item["sha256"]))
    # In archive order: a gzip stream read backwards starts again from its first byte.
    for member, path, item in sorted(jobs, key=lambda job: job[0].offset):
        digest = _copy_member(tar, member, path)
        if item is not None and digest != item["sha256"]:
            raise BackupError(
                f"Media file {item['name']!r} is damaged in the backup (checksum); "
                "nothing was changed."
            )
    return data, staged


def _load_database(data: Path, expected: dict[str, int]) -> None:
    """Replace every row with the backup's in one transaction, or change nothing."""
    try:
        with transaction.atomic():
            # Start from nothing, even in a fresh database: migrations create rows too (the
            # Author and Editor groups), and the backup holds the site's own versions.
            # Content types and permissions come back by themselves (post_migrate).
            call_command("flush", interactive=False, verbosity=0)
            call_command("loaddata", str(data), verbosity=0)
            _check_counts(expected)
            # loaddata's raw saves skip what the apps derive from their rows (search index):
            # the commands the settings name rebuild it, in the same transaction.
            for command in settings.AFTER_RESTORE_COMMANDS:
                call_command(command, verbosity=0)
    except (DeserializationError, DatabaseError) as error:
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else ""
        raise BackupError(
            f"The backup's database could not be loaded ({type(error).__name__}: "
            f"{first_line:.200}); nothing was changed."
        ) from None


def _check_counts(expected: dict[str, int]) -> None:
    actual = model_counts()
    missing = {
        label: (count, actual.get(label, 0))
        for label, count in expected.items()
        if actual.get(label, 0) != count
    }
    if missing:
        details = ", ".join(
            f"{label}: {want} in backup, {got} loaded" for label, (want, got) in missing.items()
        )
        raise BackupError(
            f"The restore does not match the backup ({details}); nothing was changed."
        )


def _stored_sha256(name: str) -> str | None:
    if not default_storage.exists(name):
        return None
    digest = hashlib.sha256()
    with default_storage.open(name, "rb") as current:
        while chunk := current.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _swap_media(staged: list[_StagedFile]) -> tuple[int, int]:
    """Put staged files into storage (the database is already restored); return (written, unchanged)."""
    written = unchanged = 0
    for item in staged:
        try:
            current = _stored_sha256(item.name)
            if current == item.sha256:
                unchanged += 1
                continue
            if current is not None:
                default_storage.delete(item.name)
            with open(item.path, "rb") as source:
                saved = default_storage.save(item.name, File(source, name=item.name))
            if saved != item.name:
                raise OSError(f"stored as {saved!r}")
        except Exception as error:  # whatever the storage raised, say what was done and what not
            left = len(staged) - written - unchanged
            raise BackupError(
                f"The database was restored, but media file {item.name!r} could not be written "
                f"({error}); {written} media files were written, {left} were not. Free the "
                "space or fix the storage, then run the restore again with --replace."
            ) from None
        written += 1
    return written, unchanged
