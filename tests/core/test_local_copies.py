"""core.cache.LocalCopies: a worker's copies of cache entries written once."""

from core import cache as core_cache
from core.cache import _MISSING, LocalCopies


def copies(max_entries=3):
    return LocalCopies(prefixes=("page:",), max_entries=max_entries)


def test_the_least_recently_used_copy_goes_first():
    kept = copies(max_entries=2)
    kept.put("page:a", None, "A", None)
    kept.put("page:b", None, "B", None)
    assert kept.get("page:a", None) == "A"  # a is now the most recent
    kept.put("page:c", None, "C", None)
    assert kept.get("page:b", None) is _MISSING
    assert (kept.get("page:a", None), kept.get("page:c", None)) == ("A", "C")


def test_a_copy_lives_no_longer_than_its_timeout(monkeypatch):
    now = [100.0]

    class Clock:
        monotonic = staticmethod(lambda: now[0])

    monkeypatch.setattr(core_cache, "time", Clock)
    kept = copies()
    kept.put("page:a", None, "A", 10)
    now[0] = 109.9
    assert kept.get("page:a", None) == "A"
    now[0] = 110.0
    assert kept.get("page:a", None) is _MISSING
    kept.put("page:b", None, "B", 0)  # Redis deletes such a key at once: so is the copy
    assert kept.get("page:b", None) is _MISSING


def test_other_keys_versions_and_no_room_are_not_kept():
    kept = copies()
    kept.put("session:x", None, "S", None)
    assert kept.get("session:x", None) is _MISSING
    kept.put("page:a", 1, "A1", None)
    assert kept.get("page:a", 2) is _MISSING and kept.get("page:a", 1) == "A1"
    off = copies(max_entries=0)
    off.put("page:a", None, "A", None)
    assert off.get("page:a", None) is _MISSING


def test_threads_of_one_worker_share_the_copies():
    name = ("redis://127.0.0.1:1/0", "test-shared")
    one = LocalCopies.shared(name, prefixes=("page:",), max_entries=5)
    assert LocalCopies.shared(name, prefixes=("page:",), max_entries=5) is one
    # Another configuration of the same cache (a test's settings) starts afresh.
    assert LocalCopies.shared(name, prefixes=("page:",), max_entries=6) is not one
