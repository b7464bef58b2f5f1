class TagSlugsConverter:
    """One or more tag slugs joined by "+": /tags/jonathan-glazer+1990s/."""

    regex = r"[-\w]+(?:\+[-\w]+)*"

    def to_python(self, value: str) -> list[str]:
        return list(dict.fromkeys(value.split("+")))

    def to_url(self, value) -> str:
        return value if isinstance(value, str) else "+".join(value)
