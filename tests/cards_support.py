"""Shared helpers for the card tests: a sample design, rendering pages, decoding QR codes."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pypdfium2 as pdfium

from app.cards.content import CardContent, Contact, HouseholdLine

DPI = 300


def content(**changes) -> CardContent:
    c = Contact
    base = CardContent(
        7, "第一驻点团队", 3, "石岗村", c("李䶮", "镇党委副书记", "13800138000", 1),
        (c("王喆", "镇人大副主席", "13900000001", 2), c("张堃", "镇综治办主任", "13900000002", 3),
         c("陈燊", "镇农业办副主任", "0757-8765432", 4)),
        c("刘晓", "镇党政办科员", "13700001111", 5), c("欧阳娜", "村委委员", "13600002222", 6),
        "每周二 15:00—18:30", "石岗村党群服务中心二楼", "0757-12345",
        "驻点团队每周定期到村里接访群众，听取意见建议，帮助解决实际困难。",
        c("刘晓", "镇党政办科员", "13700001111", 5), "云溪镇", "南海区", date(2026, 11, 21))
    return replace(base, **changes)


def lines(n: int, community: str = "石岗村", first: int = 1) -> list[HouseholdLine]:
    return [HouseholdLine(i, f"{community}一巷{i}号", "户主", f"{community}-{i:06d}")
            for i in range(first, first + n)]


def page_images(path: Path, dpi: int = DPI, pages: list[int] | None = None):
    """Rendered pages (all, or the ``pages`` given; negative counts from the end)."""
    pdf = pdfium.PdfDocument(str(path))
    try:
        wanted = range(len(pdf)) if pages is None else pages
        return [pdf[i if i >= 0 else len(pdf) + i].render(scale=dpi / 72).to_pil()
                for i in wanted]
    finally:
        pdf.close()


def page_texts(path: Path) -> list[str]:
    pdf = pdfium.PdfDocument(str(path))
    try:
        return [pdf[i].get_textpage().get_text_range() for i in range(len(pdf))]
    finally:
        pdf.close()


def decode_zxing(image) -> list[tuple[str, tuple[float, float]]]:
    """(text, centre in pixels) of every QR code zxing-cpp finds."""
    import zxingcpp
    found = []
    for r in zxingcpp.read_barcodes(image):
        p = r.position
        xs = [p.top_left.x, p.top_right.x, p.bottom_left.x, p.bottom_right.x]
        ys = [p.top_left.y, p.top_right.y, p.bottom_left.y, p.bottom_right.y]
        found.append((r.text, (sum(xs) / 4, sum(ys) / 4)))
    return found


def decode_zbar(image) -> list[tuple[str, tuple[float, float]]]:
    from pyzbar import pyzbar
    found = []
    for r in pyzbar.decode(image.convert("L"), symbols=[pyzbar.ZBarSymbol.QRCODE]):
        found.append((r.data.decode("utf-8"),
                      (r.rect.left + r.rect.width / 2, r.rect.top + r.rect.height / 2)))
    return found
