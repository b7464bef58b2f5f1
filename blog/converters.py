class PostSlugConverter:
    """A post's slug, in any script: imported WordPress slugs keep their letters (/posts/映画/)."""

    regex = r"[^/]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value) -> str:
        return str(value)


class TagSlugsConverter:
    """One or more tag slugs joined by "+": /tags/jonathan-glazer+1990s/."""

    regex = r"[-\w]+(?:\+[-\w]+)*"

    def to_python(self, value: str) -> list[str]:
        return list(dict.fromkeys(value.split("+")))

    def to_url(self, value) -> str:
        return value if isinstance(value, str) else "+".join(value)


class YearConverter:
    """A four-digit year: /2026/."""

    regex = r"[0-9]{4}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return f"{int(value):04d}"


class MonthConverter:
    """A two-digit month: /2026/11/. Kept a string, as MonthArchiveView parses it."""

    regex = r"0[1-9]|1[0-2]"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value) -> str:
        return f"{int(value):02d}"
