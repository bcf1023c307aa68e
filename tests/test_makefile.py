"""The Makefile is the contributor's interface: every target is listed in `make help`,
and CI runs the README's test command."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MAKEFILE = (ROOT / "Makefile").read_text(encoding="utf-8")


def phony_targets() -> set[str]:
    line = next(x for x in MAKEFILE.splitlines() if x.startswith(".PHONY:"))
    return set(line.split(":", 1)[1].split())


def test_make_help_lists_every_target():
    listed = set(re.findall(r'@echo "make (\w+)', MAKEFILE))
    missing = phony_targets() - listed - {"help"}
    assert not missing, f"make help does not list: {sorted(missing)}"


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "make test" in readme
    assert re.search(r"^\s*make test\b", ci, re.M), ".ci/run must call `make test`, the README's command"
