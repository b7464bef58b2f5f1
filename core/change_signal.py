"""Eight bytes every process on this machine can see, changed by whoever changes the content.

A cached reader page is served at the site's content version, a database row. On SQLite that
read was the costliest part of a cached page under load: a read transaction (file locks, and
the GIL let go and taken back by each of the worker's threads). Every process that can write a
SQLite file runs on the machine that holds it, so a word in a file they all map is enough to
tell a reader "nothing changed since you last read the row": a writer puts fresh random bytes
there, and a reader that sees the bytes it saw last time may use the row it read then.

Plain Python with no Django, so a test can bump it from another process. Torn or racing writes
are harmless: any bytes other than the ones a reader remembers only send it back to the row.
"""

import mmap
import os
import threading
from pathlib import Path

SIZE = 8


class ChangeSignal:
    """A shared word in the file at ``path`` (or in this process only, when path is None)."""

    def __init__(self, path: Path | str | None):
        self.path = None if path is None else Path(path)
        self._lock = threading.Lock()
        self._map: mmap.mmap | None = None
        self._local = bytearray(os.urandom(SIZE))
        # Whatever the reader of this signal wants to keep with the bytes it saw (page_cache's
        # version memo); here, so a second database has its own.
        self.memo = None

    def _mapped(self) -> mmap.mmap | bytearray:
        if self.path is None:
            return self._local
        if self._map is None:
            with self._lock:
                if self._map is None:
                    self._map = _map_file(self.path)
        return self._map

    def read(self) -> bytes:
        return bytes(self._mapped()[:SIZE])

    def bump(self) -> None:
        self._mapped()[:SIZE] = os.urandom(SIZE)


def _map_file(path: Path) -> mmap.mmap:
    # O_CREAT without O_TRUNC: the first process makes the file, the others map the same one.
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        if os.fstat(descriptor).st_size < SIZE:
            os.pwrite(descriptor, os.urandom(SIZE), 0)
        return mmap.mmap(descriptor, SIZE, mmap.MAP_SHARED, mmap.PROT_READ | mmap.PROT_WRITE)
    finally:
        os.close(descriptor)  # the mapping keeps the file
