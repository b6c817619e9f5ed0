"""Run the Node tests of the browser crypto modules (survey/static/js) as part of pytest.

The modules are plain ES modules with no build step; Node 20's built-in test runner and
WebCrypto run them unchanged, so `make test` / `pytest` covers the JavaScript too.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NODE = shutil.which("node") or ("/usr/bin/node" if Path("/usr/bin/node").exists() else None)


@pytest.mark.skipif(
    NODE is None, reason="node not found: the JavaScript module tests need Node >= 20"
)
def test_node_tests_pass() -> None:
    assert NODE is not None
    result = subprocess.run(
        [NODE, "--test", "tests/js/"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, (
        f"node --test tests/js/ failed (exit {result.returncode}):\n"
        f"{result.stdout[-8000:]}\n{result.stderr[-4000:]}"
    )
    assert "# fail 0" in result.stdout
