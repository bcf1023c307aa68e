"""The GitHub Actions workflows: schema-valid, clean under zizmor, every action pinned by SHA.

Everything here runs offline: check-jsonschema bundles its vendor schemas and zizmor
runs with --offline. Both executables come from the same environment as pytest.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
WORKFLOW_DIR = ROOT / ".github" / "workflows"
WORKFLOWS = sorted(WORKFLOW_DIR.glob("*.yml"))
EXPECTED = {"pr.yml", "deploy.yml", "linkcheck.yml", "rebuild.yml"}
BIN = Path(sys.executable).with_name
# `uses: owner/repo[/path]@<40 hex> # vX.Y.Z`; local (./) and docker:// references excepted.
USES = re.compile(r"^\s*(?:-\s+)?uses:\s*(?P<ref>\S+)(?P<rest>.*)$")
PINNED = re.compile(r"^[\w.-]+/[\w.-]+(?:/[\w./-]+)?@[0-9a-f]{40}$")
VERSION_COMMENT = re.compile(r"^\s+#\s*v\d+(?:\.\d+){0,2}\s*$")


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run(list(args), capture_output=True, text=True, timeout=300, cwd=cwd)


def check_jsonschema(path: Path) -> subprocess.CompletedProcess:
    exe = BIN("check-jsonschema")
    return run(str(exe), "--builtin-schema", "vendor.github-workflows", str(path))


def test_the_expected_workflows_exist():
    assert {p.name for p in WORKFLOWS} >= EXPECTED


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_workflow_matches_the_github_workflow_schema(workflow):
    result = check_jsonschema(workflow)
    assert result.returncode == 0, result.stdout + result.stderr


def test_schema_check_rejects_an_invalid_workflow(tmp_path):
    """The check above can fail: a workflow without `on:` and a job without `runs-on`."""
    bad = tmp_path / "bad.yml"
    bad.write_text(
        "name: broken\njobs:\n  build:\n    steps:\n      - run: echo hello\n",
        encoding="utf-8",
    )
    result = check_jsonschema(bad)
    assert result.returncode != 0, result.stdout + result.stderr
    assert "bad.yml" in result.stdout + result.stderr


def test_zizmor_finds_nothing():
    exe = BIN("zizmor")
    result = run(str(exe), "--offline", ".github/workflows")
    assert result.returncode == 0, result.stdout + result.stderr


def test_zizmor_would_catch_an_unpinned_action(tmp_path):
    """zizmor really audits: an unpinned, credential-persisting checkout is a finding."""
    bad = tmp_path / "bad.yml"
    bad.write_text(
        "on: push\n"
        "permissions: {}\n"
        "jobs:\n"
        "  build:\n"
        "    runs-on: ubuntu-24.04\n"
        "    steps:\n"
        "      - uses: actions/checkout@v4\n",
        encoding="utf-8",
    )
    result = run(str(BIN("zizmor")), "--offline", str(bad))
    assert result.returncode != 0, result.stdout + result.stderr


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_every_action_is_pinned_to_a_commit_sha(workflow):
    lines = workflow.read_text(encoding="utf-8").splitlines()
    uses = [(n, m) for n, line in enumerate(lines, 1) if (m := USES.match(line))]
    assert uses, f"{workflow.name} uses no actions?"
    for n, m in uses:
        ref = m["ref"].strip("'\"")
        if ref.startswith(("./", "docker://")):
            continue
        assert PINNED.match(ref), f"{workflow.name}:{n}: {ref} is not pinned to a 40-hex commit SHA"
        assert VERSION_COMMENT.match(m["rest"]), f"{workflow.name}:{n}: no `# vX.Y.Z` comment after the SHA"


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_least_privilege_and_no_persisted_credentials(workflow):
    wf = yaml.safe_load(workflow.read_text(encoding="utf-8"))
    assert wf.get("permissions") == {"contents": "read"}, f"{workflow.name}: top-level permissions"
    for name, job in wf["jobs"].items():
        assert "permissions" in job, f"{workflow.name}: job {name} sets no permissions"
        for step in job.get("steps", []):
            if str(step.get("uses", "")).startswith("actions/checkout@"):
                assert step.get("with", {}).get("persist-credentials") is False, (
                    f"{workflow.name}: job {name} checks out with persisted credentials"
                )


def test_ci_leaves_the_browser_to_the_one_bootstrap():
    """pr.yml, rebuild.yml and .ci/run set up Chromium only through make (src/appcontest/browser.py):
    no copy of an apt or snap-detection script of their own, and the browser comes before the tests."""
    browser_words = re.compile(r"apt-get|playwright install|chromium|google-chrome|snap", re.I)
    for name in ("pr.yml", "rebuild.yml"):
        wf = yaml.safe_load((WORKFLOW_DIR / name).read_text(encoding="utf-8"))
        runs = [step["run"].strip() for job in wf["jobs"].values() for step in job["steps"] if "run" in step]
        assert not [r for r in runs if browser_words.search(r)], f"{name} sets up a browser itself"
        assert "make browser" in runs and runs.index("make browser") < runs.index("make test"), name
    script = [
        line
        for line in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    assert not [line for line in script if browser_words.search(line)], ".ci/run sets up a browser itself"
    assert script[-1].strip() == "make test"
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^test:.*\$\(CHROMIUM_FILE\)", makefile, re.M), "make test does not set up the browser"
    assert re.search(r"^\$\(CHROMIUM_FILE\):.*\n\t.*-m appcontest\.browser", makefile, re.M)
