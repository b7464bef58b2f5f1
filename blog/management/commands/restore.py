"""`manage.py restore FILE`: load a backup made by `manage.py backup`, on SQLite or PostgreSQL."""

import json
import tarfile
import tempfile
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.migrations.executor import MigrationExecutor

from blog.management.commands.backup import (
    DATA,
    FORMAT,
    MANIFEST,
    model_counts,
    safe_media_name,
    sha256,
)
from blog.models import Post
from blog.search_index import search_index_rebuild


class Command(BaseCommand):
    help = (
        "Restore a backup made by `manage.py backup`: media files first, then the database in "
        "one transaction, replacing every row. The database must be migrated and hold no posts "
        "or users, unless you pass --replace."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="A .tar.gz written by `manage.py backup`.")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Restore even though the database has posts or users: they are all deleted.",
        )

    def handle(self, *args, archive, replace, **options):
        path = Path(archive)
        if not path.is_file():
            raise CommandError(f"No backup file at {path}.")
        self._check_migrated()
        if not replace and (Post.objects.exists() or get_user_model().objects.exists()):
            raise CommandError(
                "This database already has posts or users. Restore into an empty, migrated "
                "database, or pass --replace to delete everything in it first."
            )
        with tarfile.open(path, "r:gz") as tar, tempfile.TemporaryDirectory() as scratch:
            manifest, members = self._read_manifest(tar)
            media = {item["name"]: item for item in manifest["media"]}
            self._restore_media(tar, members, media)
            data = Path(scratch) / DATA
            data.write_bytes(tar.extractfile(members[DATA]).read())
            with transaction.atomic():
                # Start from nothing, even in a fresh database: migrations create rows too (the
                # Author and Editor groups), and the backup holds the site's own versions.
                # Content types and permissions come back by themselves (post_migrate).
                call_command("flush", interactive=False, verbosity=0)
                call_command("loaddata", str(data), verbosity=0)
                self._check_counts(manifest["counts"])
                search_index_rebuild()  # loaddata's raw saves leave the index alone
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {sum(manifest['counts'].values())} rows and {len(media)} media files "
                f"from {path} (made {manifest['created_at']} on {manifest['database']})."
            )
        )

    def _check_migrated(self):
        connection = connections[DEFAULT_DB_ALIAS]
        executor = MigrationExecutor(connection)
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            raise CommandError("The database is not up to date: run `manage.py migrate` first.")

    def _read_manifest(self, tar: tarfile.TarFile) -> tuple[dict, dict]:
        members = {}
        for member in tar.getmembers():
            if member.name in (MANIFEST, DATA):
                members[member.name] = member
            elif not (member.isfile() and safe_media_name(member.name)):
                raise CommandError(f"Refusing a backup with an unexpected entry: {member.name!r}.")
            else:
                members[member.name] = member
        if MANIFEST not in members or DATA not in members:
            raise CommandError(f"This is not a Closer backup (no {MANIFEST} or {DATA}).")
        manifest = json.loads(tar.extractfile(members[MANIFEST]).read())
        if manifest.get("format") != FORMAT:
            raise CommandError(f"Unknown backup format {manifest.get('format')!r}.")
        return manifest, members

    def _restore_media(self, tar: tarfile.TarFile, members: dict, media: dict) -> None:
        for name, item in media.items():
            member = members.get(f"media/{name}")
            if member is None or safe_media_name(member.name) != name:
                raise CommandError(f"The backup lists media file {name!r} but does not hold it.")
            content = tar.extractfile(member).read()
            if sha256([content]) != item["sha256"]:
                raise CommandError(f"Media file {name!r} is damaged in the backup (checksum).")
            if default_storage.exists(name):
                with default_storage.open(name, "rb") as current:
                    if sha256([current.read()]) == item["sha256"]:
                        continue  # already there, byte for byte
                default_storage.delete(name)
            with tempfile.SpooledTemporaryFile() as buffer:
                buffer.write(content)
                buffer.seek(0)
                saved = default_storage.save(name, File(buffer, name=name))
            if saved != name:
                raise CommandError(f"Media file {name!r} was stored as {saved!r}.")

    def _check_counts(self, expected: dict[str, int]) -> None:
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
            raise CommandError(
                f"The restore does not match the backup ({details}); nothing was changed."
            )
