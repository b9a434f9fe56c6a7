"""Mutated rosters for the import fuzz test (tests/test_roster_fuzz.py) and its long run
(bench/fuzz_import.py): seeded, so a failing file can be made again from its number.

Each round takes one good roster (xlsx with inline or shared strings, xls, CSV in GBK or
UTF-8) and breaks it the way files get broken: bytes flipped or cut off, XML parts edited
(tags cut, numbers made negative or huge, escapes such as _x0000_ and _xD800_, an encoding
declaration changed), CSV text garbled. The import must then either read the file or refuse it
with a Chinese message; anything else is a failure.
"""

from __future__ import annotations

import io
import random
import re
import time
import traceback
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from app.errors import DomainError
from tests.roster_files import good_rows, with_shared_strings, write_book

CJK = re.compile(r"[\u4e00-\u9fff]")
QUOTED = re.compile(r"“[^”]*”")
# What an English library message looks like; a refusal must not contain any of it.
ENGLISH = re.compile(r"Traceback|Error|error|invalid|unexpected|not a |File is|encoding|codec|"
                     r"Expecting|object|NoneType|Bad |truncated|junk")
SNIPPETS = ["_x0000_", "_xD800_", "_x001B_", "\x1b", "<v>-1</v>", "<v>99999999</v>", "<v>1e309</v>",
            'encoding="GBK"', "<row r=\"0\">", "<c r=\"A0\">", "<c r=\"ZZZZ1\">", "&#0;", "&#xD800;",
            "<is><t>", "</row>", "<si>", "t=\"s\"", "t=\"e\"", "<f>", "\u202e", "\ufffe", "𠀀"]


@dataclass
class Outcome:
    files: int = 0
    read: int = 0
    refused: int = 0
    failures: list[str] = field(default_factory=list)


def seeds(folder: Path) -> list[Path]:
    from tests.test_roster_formats import TOWN_HEADER, TOWN_ROWS, write_xls

    folder.mkdir(parents=True, exist_ok=True)
    made = [write_book(folder / "inline.xlsx", good_rows()),
            with_shared_strings(write_book(folder / "shared.xlsx", good_rows())),
            write_xls(folder / "old.xls")]
    lines = [",".join(TOWN_HEADER)] + [",".join(str(v) for v in row) for row in TOWN_ROWS]
    for encoding in ("gbk", "utf-8-sig"):
        path = folder / f"{encoding}.csv"
        path.write_bytes("\r\n".join(lines).encode(encoding))
        made.append(path)
    return made


def mutate(data: bytes, rng: random.Random) -> bytes:
    if data[:2] == b"PK" and rng.random() < 0.7:
        return _mutate_zip(data, rng)
    if data[:1] != b"\xd0" and rng.random() < 0.5:
        return _mutate_text(data, rng)
    return _mutate_bytes(data, rng)


def _mutate_bytes(data: bytes, rng: random.Random) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        choice = rng.random()
        at = rng.randrange(len(out)) if out else 0
        if choice < 0.5 and out:
            out[at] = rng.randrange(256)
        elif choice < 0.7:
            del out[at:at + rng.randint(1, 200)]
        elif choice < 0.85:
            out[at:at] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 30)))
        else:
            out = out[:at]
    return bytes(out)


def _mutate_text(data: bytes, rng: random.Random) -> bytes:
    text = data.decode("utf-8", "replace")
    for _ in range(rng.randint(1, 5)):
        at = rng.randrange(len(text) + 1)
        pick = rng.random()
        if pick < 0.4:
            text = text[:at] + rng.choice(SNIPPETS + ['"', ",", "\n", "\x00", "\t"]) + text[at:]
        elif pick < 0.7:
            text = text[:at] + text[at + rng.randint(1, 40):]
        else:
            text = text[:at] + chr(rng.randrange(0x20, 0x2FFFF)) * rng.randint(1, 50) + text[at:]
    encoding = rng.choice(["utf-8", "gb18030", "utf-16"])
    return text.encode(encoding, "replace")


def _mutate_zip(data: bytes, rng: random.Random) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        parts = {i.filename: source.read(i.filename) for i in source.infolist()}
    name = rng.choice([n for n in parts if n.endswith((".xml", ".rels"))])
    if rng.random() < 0.2:
        del parts[name]
    else:
        parts[name] = _mutate_text(parts[name], rng) if rng.random() < 0.8 else _mutate_bytes(
            parts[name], rng)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for part, content in parts.items():
            archive.writestr(part, content)
    return out.getvalue()


def run(attempt: Callable[[Path], object], folder: Path, seconds: float, seed: int = 20261208,
        limit: int = 1_000_000) -> Outcome:
    """Mutate and import for ``seconds`` (or ``limit`` files); every failure recorded."""
    rng = random.Random(seed)
    originals = [(p.suffix, p.read_bytes()) for p in seeds(folder / "seeds")]
    outcome = Outcome()
    stop = time.monotonic() + seconds
    while time.monotonic() < stop and outcome.files < limit:
        suffix, original = rng.choice(originals)
        path = folder / f"fuzz-{outcome.files}{suffix}"
        path.write_bytes(mutate(original, rng))
        outcome.files += 1
        try:
            attempt(path)
            outcome.read += 1
        except DomainError as exc:
            outcome.refused += 1
            # What the message quotes (“…”) is the file's own content, not our words.
            message = QUOTED.sub("", exc.message.replace(path.name, ""))
            if not CJK.search(message) or ENGLISH.search(message):
                outcome.failures.append(f"{path.name}: 不是中文说明：{exc.message[:300]}")
        except Exception:  # noqa: BLE001 - this is exactly what the fuzz test is looking for
            outcome.failures.append(f"{path.name}: {traceback.format_exc(limit=-4)}")
            path.rename(folder / f"failed-{path.name}")
            continue
        path.unlink()
    return outcome
