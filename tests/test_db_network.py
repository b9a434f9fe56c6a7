"""An SQLite file on a network share is refused before anything is written beside it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from app.cli import main
from app.db import network, open_database, restore
from app.errors import DatabaseError

pytestmark = pytest.mark.sqlite_only  # about SQLite files


@pytest.fixture
def share(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder the (fake) mount table says is an SMB share mounted from the office server."""
    if os.name == "nt":
        pytest.skip("Windows has no mount table; see test_windows_paths")
    folder = tmp_path / "office share"
    folder.mkdir()
    escaped = str(folder.resolve()).replace(" ", "\\040")
    table = tmp_path / "mounts"
    table.write_text("/dev/sda1 / ext4 rw,relatime 0 0\n"
                     "tmpfs /run tmpfs rw 0 0\n"
                     f"//server/office {escaped} cifs rw,vers=3.0 0 0\n"
                     f"/dev/sdb1 {escaped}/usb vfat rw 0 0\n", encoding="utf-8")
    monkeypatch.setattr(network, "MOUNTS_FILE", table)
    return folder


def test_open_refuses_a_file_on_a_share(share: Path) -> None:
    path = share / "town.db"
    with pytest.raises(DatabaseError) as refused:
        open_database(path)
    message = str(refused.value)
    assert str(path) in message and "网络共享文件夹（cifs）" in message
    assert "PostgreSQL" in message and "ZHILIAN_DB_URL" in message and "docs/POSTGRESQL.md" in message
    assert list(share.iterdir()) == []  # no database, no lock file


def test_restore_refuses_a_share_too(share: Path, tmp_path: Path) -> None:
    backup = tmp_path / "backup.db"
    backup.write_bytes(b"")
    with pytest.raises(DatabaseError, match="网络共享"):
        restore(share / "town.db", backup)
    assert list(share.iterdir()) == []


def test_a_local_disk_mounted_inside_the_share_is_fine(share: Path) -> None:
    (share / "usb").mkdir()
    with open_database(share / "usb" / "town.db") as db:
        assert db.path == (share / "usb" / "town.db").resolve()


def test_the_command_line_says_so(share: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["users", "init", "--db", str(share / "town.db"), "--user", "admin"]) == 1
    assert "网络共享文件夹" in capsys.readouterr().err
    assert list(share.iterdir()) == []


@pytest.mark.parametrize("kind", ["nfs", "nfs4", "cifs", "smb3", "smbfs", "fuse.sshfs", "9p", "afs",
                                  "ceph", "glusterfs", "davfs"])
def test_network_file_systems(kind: str) -> None:
    mounts = [("/", "ext4"), ("/srv/data", kind)]
    assert network.mount_share(Path("/srv/data/sub/town.db"), mounts) == kind
    assert network.mount_share(Path("/srv/database/town.db"), mounts) is None  # not a prefix match


@pytest.mark.parametrize("kind", ["ext4", "xfs", "btrfs", "apfs", "tmpfs", "zfs", "vfat", "ntfs3"])
def test_local_file_systems(kind: str) -> None:
    assert network.mount_share(Path("/data/town.db"), [("/", "ext4"), ("/data", kind)]) is None


def test_mount_command_output_of_macos_and_linux() -> None:
    mounts = network.parse_mount_output(
        "/dev/disk3s1s1 on / (apfs, sealed, local, read-only, journaled)\n"
        "//zhang@server/office on /Volumes/office (smbfs, nodev, nosuid, mounted by zhang)\n"
        "server:/export on /mnt/x type nfs4 (rw,relatime)\n")
    assert mounts == [("/", "apfs"), ("/Volumes/office", "smbfs"), ("/mnt/x", "nfs4")]
    assert network.mount_share(Path("/Volumes/office/town.db"), mounts) == "smbfs"


def test_no_mount_table_means_local(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(network, "MOUNTS_FILE", tmp_path / "missing")
    monkeypatch.setattr(network.subprocess, "run", _raise_oserror)
    assert network.read_mounts() == []
    assert network.mount_share(tmp_path / "town.db", []) is None


def _raise_oserror(*args: object, **kwargs: object) -> None:
    raise OSError("no mount command")


@pytest.mark.parametrize("path, expected", [
    (r"\\server\office\town.db", "网络路径"),
    (r"\\?\UNC\server\office\town.db", "网络路径"),
    (r"Z:\zhilian\town.db", "网络驱动器 Z:"),
    (r"C:\Users\zhang\town.db", None),
    (r"\\?\C:\Users\zhang\town.db", None),
])
def test_windows_paths(path: str, expected: str | None) -> None:
    remote = {"Z:\\"}
    assert network.windows_share(path, lambda root: network.DRIVE_REMOTE if root in remote else 3) \
        == expected
