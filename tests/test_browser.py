"""The browser bootstrap's decisions (src/appcontest/browser.py), on a fake machine.

Nothing here looks at the real PATH, starts a browser, downloads or runs apt: a FakeSystem
answers every question find() asks and logs the actions it would take.
"""

from __future__ import annotations

import os

import pytest

from appcontest import browser
from appcontest.browser import Found, Missing, find

DEBIAN, UBUNTU = {"debian"}, {"ubuntu", "debian"}


class FakeSystem(browser.System):
    def __init__(
        self,
        *,
        env=None,
        path=None,
        works=(),
        snaps=(),
        own=None,
        ids=DEBIAN,
        privilege=None,
        download_ok=False,
        apt_ok=False,
        apt=True,
    ):
        self._env = env or {}
        self._path = dict(path or {})  # name on PATH -> absolute path
        if apt:
            self._path["apt-get"] = "/usr/bin/apt-get"
        self.works = set(works)  # paths that launch headless
        self.snaps = set(snaps)
        self.own = own  # Playwright's own Chromium path, once downloaded
        self.downloaded = False
        self.ids = ids
        self._privilege = privilege
        self.download_ok, self.apt_ok = download_ok, apt_ok
        self.actions: list[str] = []

    def env(self, name):
        return self._env.get(name)

    def which(self, name):
        return self._path.get(name)

    def exists(self, path):
        if path == self.own:
            return self.downloaded
        return path in self._path.values() or path in self.works or path in self._env.values()

    def is_snap_wrapper(self, path):
        return path in self.snaps

    def os_ids(self):
        return self.ids

    def privilege(self):
        return self._privilege

    def launches(self, path):
        self.actions.append(f"launch {path}")
        return None if path in self.works else "crashed"

    def playwright_chromium(self):
        return self.own

    def playwright_download(self):
        self.actions.append("download")
        if self.download_ok:
            self.downloaded = True
            return None
        return "cannot reach cdn.playwright.dev"

    def apt_install(self, prefix):
        self.actions.append(" ".join(prefix + ["apt-get install chromium"]).strip())
        if self.apt_ok:
            self._path["chromium"] = "/usr/bin/chromium"
            return None
        return "E: Unable to locate package chromium"


OWN = "/root/.cache/ms-playwright/chromium-1255/chrome-linux64/chrome"


def test_an_explicit_chromium_wins_over_everything():
    fake = FakeSystem(
        env={"CHROMIUM": "/opt/chrome/chrome"},
        works={"/opt/chrome/chrome", OWN},
        path={"chromium": "/usr/bin/chromium"},
        own=OWN,
    )
    fake.downloaded = True
    assert find(fake) == Found("/opt/chrome/chrome", "$CHROMIUM")
    assert fake.actions == ["launch /opt/chrome/chrome"]


def test_an_explicit_chromium_that_does_not_launch_stops_with_its_name():
    fake = FakeSystem(
        env={"APPCONTEST_CHROMIUM": "/opt/broken"},
        path={"chromium": "/usr/bin/chromium"},
        works={"/usr/bin/chromium"},
        privilege=[],
        apt_ok=True,
    )
    with pytest.raises(Missing, match=r"APPCONTEST_CHROMIUM=/opt/broken does not launch headless \(crashed\)"):
        find(fake)
    assert "download" not in fake.actions and not any("apt" in a for a in fake.actions)


def test_playwrights_downloaded_chromium_comes_before_one_on_path():
    fake = FakeSystem(own=OWN, works={OWN, "/usr/bin/chromium"}, path={"chromium": "/usr/bin/chromium"})
    fake.downloaded = True
    assert find(fake).path == OWN


def test_ubuntu_snap_wrappers_are_skipped_for_a_real_chrome():
    fake = FakeSystem(
        ids=UBUNTU,
        path={
            "chromium": "/usr/bin/chromium",
            "chromium-browser": "/usr/bin/chromium-browser",
            "google-chrome": "/usr/bin/google-chrome",
        },
        snaps={"/usr/bin/chromium", "/usr/bin/chromium-browser"},
        works={"/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"},
    )
    assert find(fake) == Found("/usr/bin/google-chrome", "`google-chrome` on PATH")
    assert fake.actions == ["launch /usr/bin/google-chrome"]  # the wrappers are never even started


def test_one_that_does_not_launch_is_passed_over():
    fake = FakeSystem(
        path={"chromium": "/usr/bin/chromium", "google-chrome-stable": "/opt/google/chrome/chrome"},
        works={"/opt/google/chrome/chrome"},
    )
    assert find(fake).path == "/opt/google/chrome/chrome"


def test_nothing_found_downloads_playwrights_before_apt():
    fake = FakeSystem(own=OWN, works={OWN}, download_ok=True, privilege=[], apt_ok=True)
    assert find(fake) == Found(OWN, "Playwright's Chromium, downloaded now")
    assert fake.actions == ["download", f"launch {OWN}"]


def test_root_on_debian_installs_chromium_with_apt_when_the_download_fails():
    fake = FakeSystem(privilege=[], apt_ok=True, works={"/usr/bin/chromium"})
    assert find(fake) == Found("/usr/bin/chromium", "Debian's chromium, installed with apt-get")
    assert fake.actions == ["download", "apt-get install chromium", "launch /usr/bin/chromium"]


def test_passwordless_sudo_counts_as_root():
    fake = FakeSystem(privilege=["sudo", "-n"], apt_ok=True, works={"/usr/bin/chromium"})
    assert find(fake).path == "/usr/bin/chromium"
    assert "sudo -n apt-get install chromium" in fake.actions


def test_apt_is_never_used_on_ubuntu():
    fake = FakeSystem(ids=UBUNTU, privilege=["sudo", "-n"], apt_ok=True, works={"/usr/bin/chromium"})
    with pytest.raises(Missing) as exc:
        find(fake)
    assert not any("apt" in a for a in fake.actions)
    assert "Google Chrome" in str(exc.value) and "snap" in str(exc.value)


def test_without_root_on_debian_one_line_says_to_apt_install_chromium():
    fake = FakeSystem(privilege=None)
    with pytest.raises(Missing) as exc:
        find(fake)
    message = str(exc.value)
    assert "\n" not in message and message.startswith("error: ")
    assert "`sudo apt-get install chromium`" in message and "CHROMIUM=" in message
    assert fake.actions == ["download"]


def test_without_apt_get_apt_is_not_tried():
    fake = FakeSystem(privilege=[], apt=False, apt_ok=True)
    with pytest.raises(Missing, match="install Chromium or Google Chrome"):
        find(fake)
    assert fake.actions == ["download"]


def test_a_failed_apt_install_is_reported_with_apts_reason():
    fake = FakeSystem(privilege=[], apt_ok=False)
    with pytest.raises(Missing, match="Unable to locate package chromium"):
        find(fake)


def test_elsewhere_the_line_says_to_install_chromium_or_chrome():
    fake = FakeSystem(ids={"fedora"}, privilege=[])
    with pytest.raises(Missing) as exc:
        find(fake)
    assert "install Chromium or Google Chrome" in str(exc.value) and "\n" not in str(exc.value)
    assert not any("apt" in a for a in fake.actions)


def test_without_install_nothing_is_downloaded_or_installed():
    fake = FakeSystem(privilege=[], apt_ok=True, download_ok=True, own=OWN, works={OWN})
    with pytest.raises(Missing):
        find(fake, install=False)
    assert fake.actions == []


def test_the_fixture_uses_the_recorded_browser(tmp_path, monkeypatch):
    record = tmp_path / "chromium-path"
    monkeypatch.setattr(browser, "record_file", lambda: record)
    fake = FakeSystem(works={"/usr/bin/chromium"}, path={"chromium": "/usr/bin/chromium"})
    record.write_text("/usr/bin/chromium\n")
    assert browser.recorded(fake) == "/usr/bin/chromium"
    assert fake.actions == []  # recorded and present: no launch needed
    record.write_text("/gone/chrome\n")
    assert browser.recorded(fake) == "/usr/bin/chromium"  # gone: looked for again, without installing
    with pytest.raises(Missing, match="make test"):
        browser.recorded(FakeSystem())


def test_main_records_the_path_or_prints_one_line(tmp_path, monkeypatch, capsys):
    record = tmp_path / "chromium-path"
    monkeypatch.setattr(browser, "System", lambda: FakeSystem(privilege=None))
    assert browser.main(["--record", str(record)]) == 1
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "apt-get install chromium" in err
    assert not record.exists()

    monkeypatch.setattr(browser, "System", lambda: FakeSystem(privilege=[], apt_ok=True, works={"/usr/bin/chromium"}))
    assert browser.main(["--record", str(record)]) == 0
    assert record.read_text() == "/usr/bin/chromium\n"


# is_snap_wrapper reads real files: fake ones in tmp_path.


def test_a_script_that_starts_the_snap_is_a_wrapper(tmp_path):
    script = tmp_path / "chromium-browser"
    script.write_text(
        '#!/bin/sh\nif [ -x /snap/bin/chromium ]; then exec /snap/bin/chromium "$@"; fi\n'
        "echo \"Command '$0' requires the chromium snap to be installed.\"\n"
    )
    assert browser.is_snap_wrapper(str(script))


def test_a_link_to_the_snap_binary_is_a_wrapper(tmp_path):
    (tmp_path / "snap").write_bytes(b"\x7fELF")
    os.symlink(tmp_path / "snap", tmp_path / "chromium")
    assert browser.is_snap_wrapper(str(tmp_path / "chromium"))
    assert browser.is_snap_wrapper("/snap/bin/chromium")


def test_debians_launcher_script_and_a_binary_are_not_wrappers(tmp_path):
    script = tmp_path / "chromium"
    script.write_text(
        "#!/bin/sh\n# Chromium launcher\n. /etc/chromium.d/default-flags\n"
        'exec /usr/lib/chromium/chromium $CHROMIUM_FLAGS "$@"\n'
    )
    assert not browser.is_snap_wrapper(str(script))
    binary = tmp_path / "chrome"
    binary.write_bytes(b"\x7fELF\x02\x01\x01 snap install text inside a binary")
    assert not browser.is_snap_wrapper(str(binary))


def test_the_real_system_reads_os_release_ids(monkeypatch, tmp_path):
    """Only the parser: /etc/os-release itself differs between machines."""
    release = tmp_path / "os-release"
    release.write_text('NAME="Ubuntu"\nID=ubuntu\nID_LIKE=debian\n')
    monkeypatch.setattr(browser, "OS_RELEASE", release)
    assert browser.System().os_ids() == {"ubuntu", "debian"}
