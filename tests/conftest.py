"""Shared test setup: an isolated rule cache, the repository's paths, a CLI runner."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FORMATS = ROOT / "fixtures" / "formats"
SAMPLE_RULES = ROOT / "tests" / "data" / "rules_sample"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--run-long",
        action="store_true",
        help="also run the real-backend examples and scripts marked `long` (each takes tens of seconds: training to show a "
        "silent symptom, a fresh interpreter importing TensorFlow); KERASDOCTOR_RUN_LONG=1 does the same",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # the default run stays within CI's time; the long runs are the same assertions, left to --run-long
    if config.getoption("--run-long") or os.environ.get("KERASDOCTOR_RUN_LONG") == "1":
        return
    skip = pytest.mark.skip(reason="a long real-backend run: pass --run-long")
    for item in items:
        if item.get_closest_marker("long"):  # the marker, not a keyword: a test or an id may be named "long"
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    # every test session gets its own snapshot cache: no state leaks from the developer's home
    monkeypatch.setenv("KERASDOCTOR_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "kd-cache"))


def run_cli(*args: str, stdin: str | bytes | None = None, cwd: str | Path | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``python -m kerasdoctor`` as a user would, in a fresh interpreter."""
    full_env = dict(os.environ)
    full_env.pop("FORCE_COLOR", None)
    if env:
        full_env.update(env)
    data = stdin.encode() if isinstance(stdin, str) else stdin
    proc = subprocess.run(
        [sys.executable, "-m", "kerasdoctor", *args],
        input=data if data is not None else b"",
        capture_output=True,
        cwd=cwd or ROOT,
        env=full_env,
        timeout=120,
    )
    return subprocess.CompletedProcess(proc.args, proc.returncode, proc.stdout.decode("utf-8", "replace"), proc.stderr.decode("utf-8", "replace"))
