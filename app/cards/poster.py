"""Notice-board posters (公开栏公示): A4 portrait, or A3 (the same design scaled by √2).

Readable from two metres: title ≥ 36 pt, table text ≥ 14 pt on A4. No photos; the roster
table, station day, hours and place, the hotline and the QR code.
"""

from __future__ import annotations

import math
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from app.cards import qr
from app.documents import pdf_fonts as fonts
from app.cards.content import CardContent
from app.cards.layout import A3_SIZE, A4_SIZE
from app.cards.render import GOLD, GREY, INK, RED, RULE, TINT, WHITE, Plan, RenderReport, card_people
from app.cards.vcard import vcard
from app.errors import DomainError
from app.files import replacing

W, H = A4_SIZE
MARGIN = 15 * mm
TITLE_MAX, TITLE_MIN = 44.0, 36.0
TABLE_MAX, TABLE_MIN = 19.0, 14.0
QR_POSTER = 48 * mm
COLUMNS = (("职责", 0.21), ("姓名", 0.17), ("职务", 0.35), ("联系电话", 0.27))


def plan_poster(content: CardContent) -> tuple[Plan, list[tuple]]:
    """Texts and shapes of one poster page in A4 points, and its warnings."""
    p = Plan(f"{content.community_name}（{content.team_name}）公示海报")
    shapes: list[tuple] = []
    inner = W - 2 * MARGIN
    title = p.text(f"{content.community_name}驻点直联公示", W / 2, H - 14 * mm, inner,
                   TITLE_MAX, TITLE_MIN, lines=2, color=WHITE, bold=True, align="centre",
                   what="标题")
    band_bottom = H - 14 * mm - title.height - 30
    p.text(f"{content.district_name}{content.town_name} · {content.team_name}", W / 2,
           band_bottom + 22, inner, 16, 12, color=(1, 0.92, 0.85), align="centre",
           what="团队名称")
    band_bottom -= 4
    shapes.append(("box", 0, band_bottom, W, H - band_bottom, RED))
    shapes.append(("box", 0, band_bottom - 2.5, W, 2.5, GOLD))

    # the bottom block: station, hotline, QR, issuing line
    bottom_h = QR_POSTER + 34 * mm
    block_top = MARGIN + bottom_h
    # the table
    rows = [(label or "团队成员", c) for label, c in card_people(content)]
    rows += [("辅助团队", c) for c in content.support]
    top = band_bottom - 14 * mm
    p.text("驻点团队", MARGIN, top + 9 * mm, inner, 20, 16, color=RED, bold=True)
    available = top - block_top - 8 * mm
    size, leading = TABLE_MAX, 1.9
    while (len(rows) + 1) * size * leading > available and (size > TABLE_MIN or leading > 1.55):
        if size > TABLE_MIN:
            size -= 0.5
        else:
            leading -= 0.05
    row_h = size * leading
    fit_rows = max(0, int(available // row_h) - 1)
    if fit_rows < len(rows):
        left_out = "、".join(c.name for _label, c in rows[fit_rows:])
        p.warnings.append(f"{p.who}：名单共 {len(rows)} 人，{TABLE_MIN:g} 磅字号下只能印下 "
                          f"{fit_rows} 人，未印：{left_out}。请减少名单中的辅助团队人数。")
        rows = rows[:fit_rows]
    xs = [MARGIN]
    for _name, share in COLUMNS:
        xs.append(xs[-1] + inner * share)
    shapes.append(("box", MARGIN, top - row_h, inner, row_h, TINT))
    for (name, _share), x, x2 in zip(COLUMNS, xs, xs[1:]):
        p.text(name, x + 3 * mm, top - (row_h - size) / 2, x2 - x - 6 * mm, size, TABLE_MIN,
               color=RED, bold=True)
    for i, (label, person) in enumerate(rows, start=1):
        y = top - i * row_h
        text_top = y - (row_h - size) / 2
        cells = (label, person.name, person.position, person.phone or "—")
        whats = ("职责", "姓名", "职务", "电话")
        for j, (value, x, x2) in enumerate(zip(cells, xs, xs[1:])):
            p.text(value, x + 3 * mm, text_top, x2 - x - 6 * mm, size, TABLE_MIN,
                   bold=j in (1, 3), what=f"{label} {person.name} 的{whats[j]}")
        shapes.append(("rule", MARGIN, y - row_h, W - MARGIN, y - row_h))
    shapes.append(("frame", MARGIN, top - (len(rows) + 1) * row_h, inner,
                   (len(rows) + 1) * row_h))

    # station info (left) and QR (right)
    qr_x = W - MARGIN - QR_POSTER
    left_w = qr_x - MARGIN - 8 * mm
    y = block_top
    for label, value, what in (("驻点时间", content.schedule, "驻点时间"),
                               ("驻点地点", content.place, "驻点地点")):
        p.text(label, MARGIN, y, 30 * mm, 16, 14, color=RED, bold=True)
        f = p.text(value, MARGIN + 28 * mm, y, left_w - 28 * mm, 18, 14, lines=2, what=what)
        y -= max(f.height, 16) + 5 * mm
    p.text("服务热线", MARGIN, y, 30 * mm, 16, 14, color=RED, bold=True)
    p.text(content.hotline or "—", MARGIN + 28 * mm, y + 4, left_w - 28 * mm, 28, 18, color=RED,
           bold=True, what="服务热线")
    y -= 14 * mm
    p.text(content.back_text, MARGIN, y, left_w, 14, 11, lines=4, height=y - MARGIN - 8 * mm,
           color=(0.3, 0.3, 0.3), what="说明文字")
    issued = content.issued_on
    p.text(f"{content.district_name}{content.town_name} 印发 · {issued.year}年{issued.month}月"
           f"{issued.day}日", MARGIN, MARGIN + 4 * mm, left_w, 12, 10, color=GREY,
           what="印发单位")
    contact = content.qr_contact
    if contact is None:
        p.warnings.append(f"{p.who}：没有指定二维码联系人，不印二维码。")
    else:
        if content.qr_note:
            p.warnings.append(f"{p.who}：{content.qr_note}。")
        qr_y = block_top - QR_POSTER + 4 * mm
        shapes.append(("qr", qr_x, qr_y, QR_POSTER, vcard(contact, content)))
        cx = qr_x + QR_POSTER / 2
        p.text("扫码保存联系人", cx, qr_y - 1 * mm, QR_POSTER + 10 * mm, 12, 10, color=GREY,
               align="centre")
        p.text(f"{contact.name}  {contact.position}".strip(), cx, qr_y - 7 * mm,
               QR_POSTER + 14 * mm, 15, 11, bold=True, align="centre",
               what=f"二维码联系人 {contact.name} 的姓名和职务")
        p.text(contact.phone or "—", cx, qr_y - 14 * mm, QR_POSTER + 14 * mm, 18, 12, color=RED,
               bold=True, align="centre", what=f"二维码联系人 {contact.name} 的电话")
    return p, shapes


def _draw(c: Canvas, plan: Plan, shapes: list[tuple]) -> None:
    for shape in shapes:
        kind = shape[0]
        if kind == "box":
            _k, x, y, w, h, color = shape
            c.setFillColorRGB(*color)
            c.rect(x, y, w, h, stroke=0, fill=1)
        elif kind == "rule":
            c.setStrokeColorRGB(*RULE)
            c.setLineWidth(0.6)
            c.line(*shape[1:5])
        elif kind == "frame":
            c.setStrokeColorRGB(*RED)
            c.setLineWidth(1.2)
            c.rect(*shape[1:5], stroke=1, fill=0)
        elif kind == "qr":
            _k, x, y, size, text = shape
            qr.draw(c, x, y, size, text)
    c.setFillColorRGB(*INK)
    for t in plan.texts:
        t.draw(c)


def check_posters(contents) -> list[str]:
    warnings: list[str] = []
    for content in contents:
        warnings.extend(w for w in plan_poster(content)[0].warnings if w not in warnings)
    return warnings


def render_posters(contents: list[CardContent], out: Path, a3: bool = False) -> RenderReport:
    """One poster page per content, A4 portrait (or A3, the A4 design scaled by √2)."""
    fonts.register()
    out = Path(out)
    contents = list(contents)
    if not contents:
        raise DomainError("没有可打印的公示海报（没有选中任何团队）。")
    page = A3_SIZE if a3 else A4_SIZE
    scale = page[0] / W
    report = RenderReport()
    with replacing(out) as partial:
        c = Canvas(str(partial), pagesize=page, pageCompression=1, initialFontName=fonts.PRIMARY)
        c.setTitle("驻点直联公示")
        for content in contents:
            plan, shapes = plan_poster(content)
            report.warnings.extend(w for w in plan.warnings if w not in report.warnings)
            c.saveState()
            c.scale(scale, scale)
            _draw(c, plan, shapes)
            c.restoreState()
            c.showPage()
            report.pages += 1
        c.save()
    return report


def render_poster(content: CardContent, out: Path, *, a3: bool = False) -> RenderReport:
    return render_posters([content], out, a3=a3)


SCALE_A3 = math.sqrt(2)
