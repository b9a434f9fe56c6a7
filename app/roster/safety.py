"""Checks on an xlsx file before any XML parser sees it.

A workbook is a zip of XML files. We read only the zip's central directory and stream each XML
member once, so a zip bomb or an entity trick is refused in well under a second, with a message
the clerk can act on, and nothing is written anywhere.
"""

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path

from app.errors import DomainError

MAX_FILE_BYTES = 100 * 1024 * 1024
MAX_TOTAL_UNCOMPRESSED = 200 * 1024 * 1024
MAX_MEMBER_UNCOMPRESSED = 150 * 1024 * 1024
# Shared strings are held in memory as Python text (~4 × their XML): a roster of 100,000 rows
# needs under 10 MB of them. Sheets are streamed, so their limit is the one above.
MAX_STRINGS_UNCOMPRESSED = 32 * 1024 * 1024
MAX_MEMBERS = 2_000
MAX_RATIO = 100
RATIO_CHECK_FROM = 1024 * 1024  # small members compress well legitimately
_CHUNK = 1 << 20
_FORBIDDEN = tuple(word.encode(enc) for word in ("<!DOCTYPE", "<!ENTITY")
                   for enc in ("utf-8", "utf-16-le", "utf-16-be"))


def check_xlsx(path: Path) -> None:
    """Raise DomainError unless ``path`` looks like a harmless xlsx workbook."""
    name = path.name
    check_size(path)
    _check_magic(path)
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            _check_directory(name, infos)
            for info in infos:
                if info.filename.endswith((".xml", ".rels", ".vml")):
                    _check_xml(name, archive, info)
    except (zipfile.BadZipFile, zlib.error, EOFError, RuntimeError, NotImplementedError):
        # The zip library's own messages ("File is not a zip file") are English and say
        # nothing a clerk can act on.
        raise DomainError(f"「{name}」已损坏（压缩数据不完整或有错），无法作为 Excel 工作簿读取。"
                          "如果能在 Excel 或 WPS 中打开，请“另存为”新的 .xlsx 再导入。") from None
    except OSError:
        raise DomainError(f"「{name}」无法读取：文件可能正被其他程序占用，或所在的盘已断开。") from None


def _check_magic(path: Path) -> None:
    with path.open("rb") as f:
        head = f.read(4)
    if head != b"PK\x03\x04":
        raise DomainError(f"「{path.name}」不是 Excel 工作簿（.xlsx）文件。"
                          "请在 Excel 或 WPS 中打开后“另存为” .xlsx 再导入。")


def check_size(path: Path) -> None:
    """The file exists, is not empty and is within the size limit."""
    if not path.is_file():
        raise DomainError(f"找不到文件“{path}”。")
    size = path.stat().st_size
    if size == 0:
        raise DomainError(f"「{path.name}」是空文件（0 字节），里面没有名册。")
    if size > MAX_FILE_BYTES:
        raise DomainError(f"「{path.name}」有 {describe_size(size)}，超过 {MAX_FILE_BYTES >> 20} MB "
                          "的上限。请拆分后分批导入。")


def describe_size(size: int) -> str:
    """“38 MB”, “512 KB”: sizes as a clerk reads them."""
    return f"{size / 1024 / 1024:.0f} MB" if size >= 1024 * 1024 else f"{max(size // 1024, 1)} KB"


def _check_directory(name: str, infos: list[zipfile.ZipInfo]) -> None:
    names = {i.filename for i in infos}
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise DomainError(f"「{name}」是压缩包，但不是 Excel 工作簿（.xlsx）。")
    if len(infos) > MAX_MEMBERS:
        raise DomainError(f"「{name}」内部有 {len(infos)} 个部件，不像正常的名册，已拒绝。")
    total = 0
    for info in infos:
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.filename.lower().endswith("sharedstrings.xml") and (
                info.file_size > MAX_STRINGS_UNCOMPRESSED):
            raise DomainError(f"「{name}」的文字部分解压后有 {describe_size(info.file_size)}，"
                              f"超过 {MAX_STRINGS_UNCOMPRESSED >> 20} MB 的上限，不像一份名册。"
                              "请拆分后分批导入。")
        if info.file_size > MAX_MEMBER_UNCOMPRESSED or total > MAX_TOTAL_UNCOMPRESSED or (
                info.file_size > RATIO_CHECK_FROM and ratio > MAX_RATIO):
            raise DomainError(f"「{name}」解压后体积异常（部件 {info.filename} 声明 "
                              f"{info.file_size >> 20} MB，压缩比 {ratio:.0f} 倍），"
                              "可能是恶意构造的文件，已拒绝导入。")


def _check_xml(name: str, archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    """No DTDs at all: a roster never needs one, and entities are how XML bombs work."""
    tail = b""
    # zipfile stops at the declared size, so a lying directory cannot make us read more.
    with archive.open(info) as member:
        while chunk := member.read(_CHUNK):
            window = tail + chunk
            if any(word in window for word in _FORBIDDEN):
                raise DomainError(f"「{name}」的部件 {info.filename} 含有 XML 文档类型声明（DOCTYPE/ENTITY），"
                                  "正常的 Excel 文件不会有，可能是恶意构造的文件，已拒绝导入。")
            tail = window[-24:]
