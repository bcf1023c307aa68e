"""The Chromium that ``make test``'s offline-render test drives: found, downloaded or installed.

``python -m appcontest.browser`` (run by ``make test`` through ``make browser``, and by CI
the same way) settles on one Chromium and writes its path to ``chromium-path`` in the
environment's folder (``.venv/chromium-path``); tests/test_site.py launches that file's
browser through Playwright. The first candidate that Playwright can launch headless wins:

1. ``$APPCONTEST_CHROMIUM`` or ``$CHROMIUM``, when set (if it does not launch, stop: an
   explicit choice is never silently replaced);
2. Playwright's own Chromium, if it is already downloaded;
3. ``chromium``, ``chromium-browser``, ``google-chrome-stable`` or ``google-chrome`` on PATH,
   skipping Ubuntu's snap wrappers (apt's ``chromium`` there only starts the snap, which
   Playwright cannot drive);
4. Playwright's own Chromium, downloaded now (``playwright install --no-shell chromium``),
   skipped at once when its download host cannot be reached;
5. Debian's ``chromium`` from apt, when this is root (or has passwordless sudo) on Debian or
   a derivative that is not Ubuntu.

When nothing works it prints one line saying what to install and exits 1.

Everything that touches the machine goes through :class:`System`, so the decision in
:func:`find` is unit-tested with a fake (tests/test_browser.py).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ENV_VARS = ("APPCONTEST_CHROMIUM", "CHROMIUM")
OS_RELEASE = Path("/etc/os-release")
ON_PATH = ("chromium", "chromium-browser", "google-chrome-stable", "google-chrome")
# Flags Playwright's check launch adds; tests/test_site.py adds its network rules on top.
CHECK_ARGS = ["--no-sandbox", "--disable-gpu"]
# Flags for every test and audit run: headless, and no request may leave loopback (DNS for
# any other host fails at once); Chromium's own background traffic is switched off.
OFFLINE_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
]
DOWNLOAD_TIMEOUT = 300  # seconds for the whole download (~170 MB); an unreachable host fails in ~1 s
APT_TIMEOUT = 900
# Without recommends: chromium's pull in systemd, udev, avahi, upower and CUPS tools, which a
# headless test needs none of; fonts-liberation is the one recommend a page render uses.
APT_PACKAGES = ["chromium", "fonts-liberation"]


def record_file() -> Path:
    """``chromium-path`` in the running environment (``.venv/chromium-path`` under make)."""
    return Path(sys.prefix) / "chromium-path"


class Missing(Exception):
    """No usable Chromium; the message is the one line to print."""


@dataclass
class Found:
    path: str
    how: str


def is_snap_wrapper(path: str) -> bool:
    """True for a snap (``/snap/bin/x`` links to ``/usr/bin/snap``) or a script that starts one."""
    real = os.path.realpath(path)
    if path.startswith("/snap/") or real.startswith("/snap/") or os.path.basename(real) == "snap":
        return True
    try:
        with open(real, "rb") as fh:
            head = fh.read(64 * 1024)
    except OSError:
        return False
    # Ubuntu's transitional chromium(-browser) debs install a shell script that execs
    # /snap/bin/chromium or says "requires the chromium snap to be installed".
    return head.startswith(b"#!") and (b"/snap/" in head or b"snap install" in head)


class System:
    """The real machine. Tests replace it with a fake that overrides these methods."""

    def env(self, name: str) -> str | None:
        return os.environ.get(name) or None

    def which(self, name: str) -> str | None:
        return shutil.which(name)

    def exists(self, path: str) -> bool:
        return os.path.isfile(path) and os.access(path, os.X_OK)

    def is_snap_wrapper(self, path: str) -> bool:
        return is_snap_wrapper(path)

    def os_ids(self) -> set[str]:
        """ID and ID_LIKE of /etc/os-release, e.g. {"ubuntu", "debian"}."""
        try:
            text = OS_RELEASE.read_text(encoding="utf-8")
        except OSError:
            return set()
        ids: set[str] = set()
        for _key, value in re.findall(r"^(ID|ID_LIKE)=(.*)$", text, re.M):
            ids.update(value.strip().strip("\"'").lower().split())
        return ids

    def privilege(self) -> list[str] | None:
        """The prefix that runs a command as root: [] as root, sudo -n if allowed, else None."""
        if os.geteuid() == 0:
            return []
        if shutil.which("sudo"):
            try:
                ok = subprocess.run(["sudo", "-n", "true"], capture_output=True, timeout=10).returncode == 0
            except (OSError, subprocess.TimeoutExpired):
                ok = False
            if ok:
                return ["sudo", "-n"]
        return None

    def launches(self, path: str) -> str | None:
        """None if Playwright launches ``path`` headless and renders a page; else why not."""
        from playwright.sync_api import sync_playwright

        try:
            with sync_playwright() as p:
                b = p.chromium.launch(executable_path=path, args=CHECK_ARGS, timeout=60_000)
                try:
                    page = b.new_page()
                    page.set_content("<p>ok</p>")
                    if page.inner_text("p") != "ok":
                        return "it rendered a page wrongly"
                finally:
                    b.close()
        except Exception as exc:  # Playwright's errors carry the browser's stderr
            return _first_line(str(exc))
        return None

    def playwright_chromium(self) -> str | None:
        """Where Playwright's own Chromium is (downloaded or not)."""
        from playwright.sync_api import sync_playwright

        try:
            with sync_playwright() as p:
                return p.chromium.executable_path
        except Exception:
            return None

    def playwright_download(self) -> str | None:
        """Download Playwright's Chromium; None on success, else a short reason."""
        cmd = [sys.executable, "-m", "playwright", "install"]
        unreachable = self._unreachable_download_hosts(cmd)
        if unreachable:
            return f"cannot reach {unreachable}"
        env = dict(os.environ, PLAYWRIGHT_DOWNLOAD_CONNECTION_TIMEOUT="10000")
        try:
            proc = subprocess.Popen(
                cmd + ["--no-shell", "chromium"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env
            )
        except OSError as exc:
            return str(exc)
        start = time.monotonic()
        try:
            out, _ = proc.communicate(timeout=3)
        except subprocess.TimeoutExpired:
            note("downloading Playwright's Chromium (about 170 MB) ...")
            try:
                out, _ = proc.communicate(timeout=DOWNLOAD_TIMEOUT - (time.monotonic() - start))
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.communicate()
                return f"the download took longer than {DOWNLOAD_TIMEOUT} s"
        if proc.returncode != 0:
            errors = [line for line in out.splitlines() if line.startswith("Error:")]
            return _first_line(errors[0] if errors else out) or f"exit status {proc.returncode}"
        return None

    @staticmethod
    def _unreachable_download_hosts(cmd: list[str]) -> str | None:
        """The download hosts, if none of them answers on port 443 (checked in about a second,
        where Playwright's own retries take ~8 s). None when they answer, or when a proxy is
        set or the hosts cannot be read: then the download itself decides."""
        if any(os.environ.get(v) for v in ("HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy")):
            return None
        try:
            dry = subprocess.run(
                cmd + ["--dry-run", "--no-shell", "chromium"], capture_output=True, text=True, timeout=60
            ).stdout
        except (OSError, subprocess.TimeoutExpired):
            return None
        hosts = list(dict.fromkeys(re.findall(r"Download (?:url|fallback \d+):\s+https://([^/\s:]+)", dry)))
        if not hosts:
            return None
        for host in hosts:
            try:
                socket.create_connection((host, 443), timeout=5).close()
                return None
            except OSError:
                continue
        return ", ".join(hosts)

    def apt_install(self, prefix: list[str]) -> str | None:
        """apt-get install Debian's chromium; None on success, else a short reason."""
        note("installing Debian's chromium with apt-get (a minute or two) ...")
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        set_env = ["env", "DEBIAN_FRONTEND=noninteractive"] if prefix else []  # sudo resets the environment
        for cmd in (
            ["apt-get", "update", "-qq"],
            ["apt-get", "install", "-y", "-qq", "--no-install-recommends", *APT_PACKAGES],
        ):
            try:
                result = subprocess.run(
                    prefix + set_env + cmd, capture_output=True, text=True, env=env, timeout=APT_TIMEOUT
                )
            except (OSError, subprocess.TimeoutExpired) as exc:
                return f"`{' '.join(cmd)}`: {exc}"
            if result.returncode != 0:
                lines = [ln for ln in (result.stderr + result.stdout).splitlines() if ln.startswith("E:")]
                return f"`{' '.join(cmd)}` failed: " + _first_line(lines[0] if lines else result.stderr)
        return None


def _first_line(text: str) -> str:
    for line in text.strip().splitlines():
        line = re.sub(r"\x1b\[[0-9;]*m", "", line).strip()
        if line:
            return line[:300]
    return ""


def note(message: str) -> None:
    print(f"browser: {message}", file=sys.stderr, flush=True)


def _python() -> str:
    """This interpreter, relative when under the current folder (``.venv/bin/python``)."""
    rel = os.path.relpath(sys.executable)
    return sys.executable if rel.startswith("..") else rel


def advice(ids: set[str], can_apt: bool, privileged: bool, reason: str = "") -> str:
    """The one line that says what to install."""
    playwright = (
        f"`{_python()} -m playwright install --with-deps chromium` (needs access to Playwright's download host)"
    )
    if "ubuntu" in ids:
        what = (
            f"install Google Chrome (google-chrome-stable), or run {playwright}; "
            "Ubuntu's apt chromium is a snap wrapper Playwright cannot drive"
        )
    elif "debian" in ids and can_apt and not privileged:
        what = "run `sudo apt-get install chromium` (Debian's package), or " + playwright
    elif "debian" in ids and can_apt:
        what = f"apt-get could not install chromium ({reason}); fix apt, or run {playwright}"
    else:
        what = f"install Chromium or Google Chrome (so `chromium` or `google-chrome` is on PATH), or run {playwright}"
    return f"error: make test needs a Chromium for the offline-render test: {what}; or set CHROMIUM=/path/to/chrome."


def find(system: System, install: bool = True) -> Found:
    """The first usable Chromium in the order of the module docstring; raises Missing."""
    for var in ENV_VARS:
        value = system.env(var)
        if value:
            path = value if os.sep in value else (system.which(value) or value)
            why = system.launches(path) if system.exists(path) else "no such executable"
            if why:
                raise Missing(
                    f"error: {var}={value} does not launch headless ({why}): "
                    f"point it at a working Chrome or Chromium, or unset it."
                )
            return Found(path, f"${var}")

    own = system.playwright_chromium()
    if own and system.exists(own) and not system.launches(own):
        return Found(own, "Playwright's Chromium, already downloaded")

    seen: set[str] = set()
    for name in ON_PATH:
        path = system.which(name)
        if not path or os.path.realpath(path) in seen:
            continue
        seen.add(os.path.realpath(path))
        if system.is_snap_wrapper(path):
            continue
        if not system.launches(path):
            return Found(path, f"`{name}` on PATH")

    ids = system.os_ids()
    can_apt = system.which("apt-get") is not None and "ubuntu" not in ids and "debian" in ids
    if not install:
        raise Missing(advice(ids, can_apt, False))

    if not system.playwright_download():
        own = system.playwright_chromium()
        if own and system.exists(own) and not system.launches(own):
            return Found(own, "Playwright's Chromium, downloaded now")

    prefix = system.privilege() if can_apt else None
    if prefix is None:
        raise Missing(advice(ids, can_apt, False))
    reason = system.apt_install(prefix)
    if not reason:
        path = system.which("chromium") or "/usr/bin/chromium"
        reason = system.launches(path) if system.exists(path) else f"no {path} after installing"
        if not reason:
            return Found(path, "Debian's chromium, installed with apt-get")
    raise Missing(advice(ids, can_apt, True, reason))


def recorded(system: System | None = None) -> str:
    """The recorded Chromium, or (if none is recorded or it is gone) one found without
    installing anything; raises Missing with the line to print. For tests/test_site.py."""
    system = system or System()
    for var in ENV_VARS:  # set after make recorded a browser: it still wins
        value = system.env(var)
        if value:
            return find(system, install=False).path
    try:
        path = record_file().read_text(encoding="utf-8").strip()
    except OSError:
        path = ""
    if path and system.exists(path):
        return path
    try:
        return find(system, install=False).path
    except Missing as exc:
        raise Missing(f"{exc} (`make test` sets one up before the tests: see src/appcontest/browser.py)") from None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m appcontest.browser", description=__doc__.splitlines()[0])
    parser.add_argument("--record", type=Path, default=None, help="file to write the path to (default: %(default)s)")
    args = parser.parse_args(argv)
    target = args.record or record_file()
    try:
        found = find(System())
    except Missing as exc:
        print(exc, file=sys.stderr)
        target.unlink(missing_ok=True)
        return 1
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(found.path + "\n", encoding="utf-8")
    print(f"browser: {found.path} ({found.how}), recorded in {os.path.relpath(target)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
