"""Personalised contact cards at scale: the card engine beside raw reportlab drawing the
same cards (same text, one font, no fitting or fallback) in the same run.

    .venv/bin/python bench/bench_cards.py [--cards 5000] [--memory 500,5000,50000]

Time is measured without tracing; peak memory is measured separately (tracemalloc, Python
allocations) for each size, each in a fresh subprocess so earlier runs do not count.
Targets (issue 4): 5,000 cards ≤ 10 s and ≤ 1.5 × raw; memory flat as the batch grows.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
import tracemalloc
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from reportlab.pdfgen.canvas import Canvas  # noqa: E402

from app.cards import qr  # noqa: E402
from app.documents import pdf_fonts as fonts  # noqa: E402
from app.cards.content import CardContent, Contact, HouseholdLine  # noqa: E402
from app.cards.layout import CARD_H, CARD_W, PAGE_H, PAGE_W, PER_PAGE, card_rect, crop_marks  # noqa: E402
from app.cards.render import plan_back, plan_front, render_cards  # noqa: E402
from app.cards.vcard import vcard  # noqa: E402

STREETS = "东南西北前后新中上下"


def sample_content() -> CardContent:
    c = Contact
    return CardContent(
        1, "第一驻点团队", 1, "石岗村", c("李䶮", "镇党委副书记", "13800138000", 1),
        (c("王喆", "镇人大副主席", "13900000001"), c("张堃", "镇综治办主任", "13900000002"),
         c("陈燊", "镇农业办副主任", "0757-8765432")),
        c("刘晓", "镇党政办科员", "13700001111"), c("欧阳娜", "村委委员", "13600002222"),
        "每周二 15:00—18:30", "石岗村党群服务中心二楼", "0757-12345",
        "驻点团队每周定期到村里接访群众，听取意见建议，帮助解决实际困难。有事请打电话或扫码。",
        c("刘晓", "镇党政办科员", "13700001111"), "云溪镇", "南海区", date(2026, 11, 21))


def households(n: int):
    for i in range(1, n + 1):
        yield HouseholdLine(i, f"石岗村{STREETS[i % 10]}{i % 37 + 1}巷{i}号", "户主",
                            f"石岗村-{i:06d}")


def engine(n: int, out: Path) -> int:
    content = sample_content()
    return render_cards([content], out, households={1: households(n)}).pages


def raw(n: int, out: Path) -> int:
    """Plain reportlab: every text of every card drawn with drawString, one font, one canvas."""
    content = sample_content()
    fonts.register()
    front, fshapes = plan_front(content)
    back, bshapes = plan_back(content)
    ftexts = [(t.x, t.top - t.fitted.size, t.fitted.size, line)
              for t in front.texts for line in t.fitted.lines]
    btexts = [(t.x, t.top - t.fitted.size, t.fitted.size, line)
              for t in back.texts for line in t.fitted.lines]
    code = vcard(content.qr_contact, content)
    c = Canvas(str(out), pagesize=(PAGE_W, PAGE_H), pageCompression=1)
    lines = list(households(n))
    pages = 0
    for first in range(0, n, PER_PAGE):
        sheet = lines[first:first + PER_PAGE]
        for face in ("front", "back"):
            for x1, y1, x2, y2 in crop_marks():
                c.line(x1, y1, x2, y2)
            for slot, line in enumerate(sheet):
                r = card_rect(slot, back=face == "back")
                c.saveState()
                c.translate(r.x, r.y)
                c.setFillColorRGB(0.66, 0.09, 0.11)
                c.rect(0, CARD_H - 30, CARD_W, 30, stroke=0, fill=1)
                c.setFillColorRGB(0, 0, 0)
                for x, y, size, text in (ftexts if face == "front" else btexts):
                    c.setFont(fonts.PRIMARY, size)
                    c.drawString(x, y, text)
                if face == "front":
                    c.setFont(fonts.PRIMARY, 5.6)
                    c.drawString(40, 5, f"{line.address}　No. {line.serial}")
                else:
                    qr.draw(c, CARD_W - 70, 60, 65, code)
                c.restoreState()
            c.showPage()
            pages += 1
    c.save()
    return pages


def timed(fn, n: int) -> tuple[float, int, int]:
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "cards.pdf"
        started = time.perf_counter()
        pages = fn(n, out)
        return time.perf_counter() - started, pages, out.stat().st_size


def peak(kind: str, n: int) -> int:
    fn = engine if kind == "engine" else raw
    fonts.register()          # the fonts themselves are loaded once per process
    render_cards([sample_content()], Path(tempfile.mkdtemp()) / "warm.pdf")
    tracemalloc.start()
    with tempfile.TemporaryDirectory() as folder:
        fn(n, Path(folder) / "cards.pdf")
    return tracemalloc.get_traced_memory()[1]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cards", type=int, default=5000)
    parser.add_argument("--memory", default="500,5000,50000",
                        help="sizes for the memory runs (comma-separated; empty: skip)")
    parser.add_argument("--peak", nargs=2, metavar=("KIND", "N"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.peak:
        print(json.dumps(peak(args.peak[0], int(args.peak[1]))))
        return 0
    fonts.register()
    timed(engine, 20)   # warm caches (font parsing) for both
    t_engine, pages, size = timed(engine, args.cards)
    t_raw, raw_pages, raw_size = timed(raw, args.cards)
    print(f"{args.cards} personalised cards: engine {t_engine:.2f} s ({pages} pages, "
          f"{size / 1e6:.1f} MB); raw reportlab {t_raw:.2f} s ({raw_pages} pages, "
          f"{raw_size / 1e6:.1f} MB); ratio {t_engine / t_raw:.2f}")
    print(f"targets: ≤ 10 s: {'ok' if t_engine <= 10 else 'MISSED'}; "
          f"≤ 1.5 × raw: {'ok' if t_engine <= 1.5 * t_raw else 'MISSED'}")
    for kind in ("engine", "raw"):
        for n in [int(v) for v in args.memory.split(",") if v]:
            if kind == "raw" and n > 5000:
                continue   # raw reportlab holds every page: 50,000 cards take minutes and GBs
            result = subprocess.run([sys.executable, __file__, "--peak", kind, str(n)],
                                    capture_output=True, text=True, check=True)
            print(f"peak Python memory, {kind:6} {n:>6} cards: "
                  f"{int(result.stdout) / 1e6:7.1f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
