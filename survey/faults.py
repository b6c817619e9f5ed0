"""Kill points for the crash tests: the process kills itself where a test asks it to.

``SURVEY_TEST_KILL_AT=<name>`` in the environment makes the process send itself SIGKILL when it
reaches :func:`kill_point` with that name, as a power cut or ``kill -9`` would at that moment.
Only tests set the variable; without it a kill point does nothing.
"""

from __future__ import annotations

import os
import signal

ENVIRONMENT_VARIABLE = "SURVEY_TEST_KILL_AT"


def kill_point(name: str) -> None:
    """Die here, without cleanup, if the environment names this point."""
    if os.environ.get(ENVIRONMENT_VARIABLE) == name:
        os.kill(os.getpid(), signal.SIGKILL)
