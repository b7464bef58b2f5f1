"""The one script readers download: small, and free of anything that would load a third party."""

import subprocess
from pathlib import Path

import pytest
from django.conf import settings

PLAYER = settings.BASE_DIR / "static" / "closer" / "player.js"
TERSER = settings.BASE_DIR / "node_modules" / ".bin" / "terser"
BUDGET = 2048


def test_player_script_is_under_2_kb_minified():
    if not TERSER.exists():
        pytest.fail("node_modules/.bin/terser is missing: run `make test` (it runs npm install).")
    minified = subprocess.run(
        [str(TERSER), str(PLAYER), "-c", "-m"], capture_output=True, check=True
    ).stdout
    assert 0 < len(minified) < BUDGET, f"player.js is {len(minified)} bytes minified"


def test_player_script_loads_no_provider_script():
    source = Path(PLAYER).read_text()
    # Seeking goes through postMessage to the player the reader already loaded.
    for forbidden in ("iframe_api", "player.vimeo.com/api", 'createElement("script")', "eval("):
        assert forbidden not in source
