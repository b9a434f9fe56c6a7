"""Is a database file on a network share? SQLite there corrupts: its locks do not hold
across computers. Without SQLAlchemy, so the window can ask before it takes the writer lock.

Windows: a UNC path (\\\\server\\share\\…) or a drive letter mapped to a share (DRIVE_REMOTE).
Linux and macOS: the file system type of the mount the path lives on (the mount table).
When in doubt (no mount table, an error reading it) the answer is "not a share".
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Callable
from pathlib import Path, PureWindowsPath

from app.errors import DatabaseError

DRIVE_REMOTE = 4  # GetDriveTypeW
MOUNTS_FILE = Path("/proc/mounts")
NETWORK_FS_TYPES = frozenset({
    "nfs", "nfs4", "cifs", "smb", "smb3", "smbfs", "fuse.sshfs", "sshfs", "9p", "afs",
    "ceph", "fuse.ceph", "glusterfs", "fuse.glusterfs", "davfs", "fuse.davfs", "webdav",
    "ncpfs", "afpfs", "fuse.afpfs",
})
POSTGRES_DOC = "docs/POSTGRESQL.md"


def network_share(path: Path) -> str | None:
    """A short description of the share ``path`` is on (e.g. "cifs"), or None if it is local."""
    if os.name == "nt":  # pragma: no cover - exercised on Windows only
        return windows_share(str(path))
    return mount_share(path, read_mounts())


def refuse_network_share(path: Path) -> None:
    """Raise a DatabaseError that points to PostgreSQL when ``path`` is on a network share."""
    kind = network_share(path)
    if kind is None:
        return
    raise DatabaseError(
        f"数据库文件 {path} 在网络共享文件夹（{kind}）上。几台电脑同时通过网络使用同一个 SQLite "
        "文件会损坏数据，程序没有打开它。请把数据库文件放在本机硬盘上；办公室几台电脑要共用一个"
        f"数据库时，请改用 PostgreSQL 服务器（设置 ZHILIAN_DB_URL，见 {POSTGRES_DOC}）。")


# --- Windows ---------------------------------------------------------------------------------

def windows_share(text: str, drive_type: Callable[[str], int] | None = None) -> str | None:
    """``drive_type(root) -> int`` defaults to GetDriveTypeW (tests pass their own)."""
    drive = PureWindowsPath(text).drive
    if drive.upper().startswith("\\\\?\\UNC\\") or (
            drive.startswith("\\\\") and not drive.startswith(("\\\\?\\", "\\\\.\\"))):
        return "网络路径"
    if drive.startswith("\\\\?\\"):
        drive = drive[4:]
    if len(drive) != 2 or not drive.endswith(":"):
        return None
    if drive_type is None:
        drive_type = _get_drive_type
    try:
        kind = drive_type(drive + "\\")
    except OSError:
        return None
    return f"网络驱动器 {drive}" if kind == DRIVE_REMOTE else None


def _get_drive_type(root: str) -> int:  # pragma: no cover - Windows only
    import ctypes

    return int(ctypes.windll.kernel32.GetDriveTypeW(ctypes.c_wchar_p(root)))


# --- Linux, macOS ----------------------------------------------------------------------------

def read_mounts() -> list[tuple[str, str]]:
    """(mount point, file system type) for every mount; empty when there is no table."""
    try:
        if MOUNTS_FILE.exists():
            return parse_proc_mounts(MOUNTS_FILE.read_text(encoding="utf-8", errors="replace"))
        out = subprocess.run(["mount"], capture_output=True, text=True, timeout=5, check=False)
        return parse_mount_output(out.stdout)
    except (OSError, subprocess.SubprocessError):
        return []


def parse_proc_mounts(text: str) -> list[tuple[str, str]]:
    mounts = []
    for line in text.splitlines():
        fields = line.split()
        if len(fields) >= 3:
            mounts.append((_unescape(fields[1]), fields[2].lower()))
    return mounts


# macOS/BSD: "//user@server/share on /Volumes/share (smbfs, nodev, nosuid, mounted by x)"
# Linux mount(8): "server:/export on /mnt/x type nfs4 (rw,relatime)"
_MOUNT_LINE = re.compile(r"^.+? on (?P<point>.+?) (?:type (?P<type>\S+) )?\((?P<opts>[^)]*)\)\s*$")


def parse_mount_output(text: str) -> list[tuple[str, str]]:
    mounts = []
    for line in text.splitlines():
        match = _MOUNT_LINE.match(line)
        if match:
            kind = match["type"] or match["opts"].split(",")[0].strip()
            mounts.append((match["point"], kind.lower()))
    return mounts


def mount_share(path: Path, mounts: list[tuple[str, str]]) -> str | None:
    """The type of the innermost mount holding ``path``, if it is a network file system."""
    target = _absolute(path)
    best: tuple[int, str] | None = None
    for point, kind in mounts:
        if _inside(target, point) and (best is None or len(point) >= best[0]):
            best = (len(point), kind)
    if best is None:
        return None
    kind = best[1]
    return kind if kind in NETWORK_FS_TYPES or kind.startswith(("nfs", "smb", "cifs")) else None


def _absolute(path: Path) -> str:
    try:
        return str(Path(path).expanduser().resolve())
    except (OSError, RuntimeError):
        return os.path.abspath(path)


def _inside(target: str, point: str) -> bool:
    if point == "/":
        return target.startswith("/")
    point = point.rstrip("/")
    return target == point or target.startswith(point + "/")


def _unescape(field: str) -> str:
    """/proc/mounts writes space, tab, newline and backslash as octal escapes (\\040 …)."""
    return re.sub(r"\\([0-7]{3})", lambda m: chr(int(m[1], 8)), field)
