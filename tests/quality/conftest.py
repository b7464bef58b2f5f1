"""Quality bars: the Nu HTML Checker (vnu.jar, run with the machine's Java)."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


@pytest.fixture(scope="session")
def validate_html():
    """Return a function that checks many HTML documents in one JVM run."""
    java = shutil.which("java")
    if not java or not VNU_JAR.exists():
        pytest.fail(
            "The HTML validator needs Java 17+ and node_modules/vnu-jar: run `make test` "
            "(it runs `npm install`)."
        )

    def validate(pages: dict[str, str], folder: Path) -> dict[str, list[str]]:
        files = {}
        for n, (name, html) in enumerate(pages.items()):
            path = folder / f"page-{n:02d}.html"
            path.write_text(html, encoding="utf-8")
            files[str(path.resolve())] = name
        run = subprocess.run(
            [java, "-jar", str(VNU_JAR), "--errors-only", "--format", "json", *files],
            capture_output=True,
            text=True,
            timeout=300,
        )
        report = json.loads(run.stderr or '{"messages": []}')
        errors: dict[str, list[str]] = {name: [] for name in pages}
        for message in report["messages"]:
            url = message.get("url", "")
            name = files.get(url.removeprefix("file:"), url)  # vnu says file:/abs/path
            errors.setdefault(name, []).append(
                f"line {message.get('lastLine', '?')}: {message.get('message')}"
                f" | {message.get('extract', '').strip()[:120]}"
            )
        return errors

    return validate
