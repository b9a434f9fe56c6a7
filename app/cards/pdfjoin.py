"""Streaming concatenation of the small PDFs reportlab writes, so a batch of any size is
drawn chunk by chunk and never held in memory whole (reportlab keeps every page until save).

Only what reportlab itself writes is read: a classic xref table, direct /Length values.
Objects are renumbered and copied straight to the output; stream bytes are never touched.
What stays in memory is one chunk plus one offset per object and one id per page.
"""

from __future__ import annotations

import re
from typing import BinaryIO

_REF = re.compile(rb"(\d+) 0 R\b")
_STREAM = re.compile(rb">>\s*stream(\r\n|\n)")
_LENGTH = re.compile(rb"/Length (\d+)(?! \d+ R)")
_TAG = re.compile(rb"/([A-Z]{6})\+")
_TYPE = re.compile(rb"/Type\s*/(\w+)")


class PdfConcat:
    """Write pages of several PDFs into one file: ``add(bytes)`` per chunk, then ``close``."""

    def __init__(self, out: BinaryIO, title: str = "") -> None:
        self.out = out
        self.offsets: list[int] = [0, 0, 0, 0]  # 1 catalog, 2 pages, 3 info (written last)
        self.kids: list[int] = []
        self.title = title
        self._tags = 0
        self._pos = 0
        self._write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")

    def _write(self, data: bytes) -> None:
        self.out.write(data)
        self._pos += len(data)

    def _new_tag(self) -> bytes:
        n, letters = self._tags, []
        self._tags += 1
        for _ in range(6):
            n, r = divmod(n, 26)
            letters.append(chr(ord("A") + r))
        return "".join(reversed(letters)).encode()

    def add(self, data: bytes) -> int:
        """Append every page of the PDF ``data``; returns how many pages it had."""
        start = data.rindex(b"startxref")
        xref_at = int(data[start + 9:].split()[0])
        tail = data[xref_at:]
        header, _, rest = tail.partition(b"trailer")
        lines = header.split(b"\n")
        first, count = (int(v) for v in lines[1].split())
        entries = b"\n".join(lines[2:])
        offsets: dict[int, int] = {}
        for i, m in enumerate(re.finditer(rb"(\d{10}) (\d{5}) ([nf])", entries)):
            if m.group(3) == b"n":
                offsets[first + i] = int(m.group(1))
        root = int(re.search(rb"/Root (\d+) 0 R", rest).group(1))
        info = re.search(rb"/Info (\d+) 0 R", rest)
        skip = {root, int(info.group(1))} if info else {root}

        objects: dict[int, tuple[bytes, bytes]] = {}
        for num, off in offsets.items():
            objects[num] = self._split(data, off)
        # the page tree, in order
        pages: list[int] = []

        def walk(node: int) -> None:
            head = objects[node][0]
            kind = _TYPE.search(head)
            if kind and kind.group(1) == b"Pages":
                skip.add(node)
                kids = re.search(rb"/Kids\s*\[([^\]]*)\]", head).group(1)
                for m in _REF.finditer(kids):
                    walk(int(m.group(1)))
            else:
                pages.append(node)

        walk(int(re.search(rb"/Pages (\d+) 0 R", objects[root][0]).group(1)))
        for num, (head, _body) in objects.items():
            kind = _TYPE.search(head)
            if kind and kind.group(1) == b"Outlines":
                skip.add(num)
        base = len(self.offsets)
        mapping = {}
        for num in sorted(objects):
            if num not in skip:
                mapping[num] = base + len(mapping)
        tags: dict[bytes, bytes] = {}

        def retag(m: re.Match) -> bytes:
            old = m.group(1)
            if old not in tags:
                tags[old] = self._new_tag()
            return b"/" + tags[old] + b"+"

        def reref(m: re.Match) -> bytes:
            old = int(m.group(1))
            if old in skip:
                return b"2 0 R"      # the page tree (a page's /Parent)
            return b"%d 0 R" % mapping[old]

        for num in sorted(mapping):
            head, body = objects[num]
            head = _REF.sub(reref, head[head.index(b"obj") + 3:])
            head = _TAG.sub(retag, head)
            self.offsets.append(self._pos)
            self._write(b"%d 0 obj" % mapping[num] + head + body)
        self.kids.extend(mapping[p] for p in pages)
        return len(pages)

    @staticmethod
    def _split(data: bytes, off: int) -> tuple[bytes, bytes]:
        """(object head up to and including any 'stream' line, the rest through endobj)."""
        end = data.index(b"endobj", off)
        m = _STREAM.search(data, off, end + 6)
        if m is None:
            return data[off:end], b"endobj\n"
        head_end = m.end()
        length = int(_LENGTH.search(data, off, m.start()).group(1))
        stream_end = head_end + length
        end = data.index(b"endobj", stream_end)
        return data[off:head_end], data[head_end:end] + b"endobj\n"

    def close(self) -> None:
        self.offsets[1] = self._pos
        self._write(b"1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n")
        self.offsets[2] = self._pos
        kids = b" ".join(b"%d 0 R" % k for k in self.kids)
        self._write(b"2 0 obj\n<< /Type /Pages /Count %d /Kids [ %s ] >>\nendobj\n"
                    % (len(self.kids), kids))
        self.offsets[3] = self._pos
        title = ("<FEFF" + self.title.encode("utf-16-be").hex().upper() + ">").encode()
        self._write(b"3 0 obj\n<< /Producer (Zhilian Desk) /Title " + title
                    + b" >>\nendobj\n")
        xref = self._pos
        n = len(self.offsets)
        self._write(b"xref\n0 %d\n0000000000 65535 f \n" % n)
        self._write(b"".join(b"%010d 00000 n \n" % o for o in self.offsets[1:]))
        self._write(b"trailer\n<< /Size %d /Root 1 0 R /Info 3 0 R >>\nstartxref\n%d\n%%%%EOF\n"
                    % (n, xref))
