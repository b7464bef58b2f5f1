"""The test suite's settings (pytest.ini names this module): the project's own, TESTING on.

TESTING comes from the environment so config.settings knows it before it derives what
depends on it (no production defaults, a fast password hasher, one PostgreSQL test database
per run). Subprocesses that must run as production strip CLOSER_TESTING and name
config.settings themselves.
"""

import os

os.environ["CLOSER_TESTING"] = "true"

from config.settings import *  # noqa: E402, F403
