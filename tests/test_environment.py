"""The pins agree: pyproject.toml, environment.yml and requirements.lock name the same versions."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(lines) -> dict[str, str]:
    found = {}
    for line in lines:
        line = line.split("#")[0].strip()
        if "==" in line and not line.startswith("-"):
            name, version = line.split("==")
            found[norm(name.split("[")[0])] = version.strip()
    return found


def project_pins():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    lines = project["dependencies"] + project["optional-dependencies"]["test"]
    assert all("==" in line for line in lines), "every direct dependency is pinned exactly"
    return pins(lines)


def test_environment_yml_carries_the_same_pins():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert pins(pip_section) == project_pins()


def test_the_lock_agrees_with_every_direct_pin():
    lock = pins((ROOT / "requirements.lock").read_text().splitlines())
    for name, version in project_pins().items():
        assert lock.get(name) == version, f"{name}: pyproject {version}, lock {lock.get(name)}"


def test_jupyter_book_is_the_sphinx_based_line():
    assert project_pins()["jupyter-book"].startswith("1.")
