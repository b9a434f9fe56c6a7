"""Contact-card sheets: 90 × 54 mm cards, ten to an A4 page, fronts and (long-edge duplex)
backs, or one personalised card per household.

The static part of each design is drawn once per chunk as a Form XObject; a personalised
card adds only its address and serial. Pages are written in chunks to temporary PDFs and
joined by :mod:`app.cards.pdfjoin`, so memory stays flat however large the batch.
"""

from __future__ import annotations

import math
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from app.cards import qr
from app.documents import pdf_fonts as fonts
from app.cards.content import CardContent, Contact, HouseholdLine
from app.cards.fit import Fitted, fit, fit_uncached
from app.cards.layout import (BACK_BAND_H, BAND_H, CARD_H, CARD_W, PAD, PAGE_H, PAGE_W,
                              PER_PAGE, QR_SIZE, card_rect, crop_marks)
from app.cards.pdfjoin import PdfConcat
from app.cards.vcard import vcard
from app.errors import DomainError
from app.files import replacing

RED = (0.659, 0.094, 0.110)
GOLD = (0.851, 0.659, 0.247)
INK = (0.12, 0.12, 0.12)
GREY = (0.42, 0.42, 0.42)
RULE = (0.82, 0.82, 0.82)
TINT = (0.985, 0.955, 0.925)
WHITE = (1, 1, 1)

CHUNK_SHEETS = 40   # sheets (front + back pages) per temporary PDF

ADDRESS_LABEL = "发放到户："
ADDRESS_X = PAD
ADDRESS_Y = 1.9 * mm
ADDRESS_SIZE = 5.6
ADDRESS_MIN = 4.4
SERIAL_SIZE = 5.2
SERIAL_W = 24 * mm
STRIP_H = 4.8 * mm


class Cancelled(DomainError):
    """The user cancelled the batch; the partial file is removed."""


@dataclass
class RenderReport:
    pages: int = 0
    cards: int = 0
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Text:
    """One fitted text, laid out: left x (or right/centre per align), top of its box."""

    x: float
    top: float
    fitted: Fitted
    color: tuple = INK
    bold: bool = False
    align: str = "left"

    def draw(self, c: Canvas) -> None:
        c.setFillColorRGB(*self.color)
        c.setStrokeColorRGB(*self.color)
        size = self.fitted.size
        y = self.top - size * 0.88
        for line in self.fitted.lines:
            fonts.draw(c, self.x, y, line, size, bold=self.bold, align=self.align)
            y -= size * 1.18


class Plan:
    """Texts and warnings of one face of one design; ``who`` names the design in warnings."""

    def __init__(self, who: str) -> None:
        self.who = who
        self.texts: list[Text] = []
        self.warnings: list[str] = []

    def text(self, value: str, x: float, top: float, width: float, size: float, min_size: float,
             *, lines: int = 1, height: float | None = None, what: str = "", cache: bool = True,
             **style) -> Fitted:
        fitted = (fit if cache else fit_uncached)(value, width, size, min_size, lines, height)
        if not fitted.ok:
            self.warnings.append(f"{self.who}：{what}“{value}”太长，缩小字号并换行后仍印不下，"
                                 "已截断（以“…”标出）。请缩短后再打印。")
        chars = fonts.missing(value)
        if chars:
            self.warnings.append(f"{self.who}：{what}“{value}”中的 {fonts.describe(chars)} "
                                 "在所有字体中都没有字形，会印成方框。")
        self.texts.append(Text(x, top, fitted, **style))
        return fitted


def _who(content: CardContent) -> str:
    return f"{content.community_name}（{content.team_name}）联系卡"


def _liaison_label(content: CardContent) -> str:
    return "社区联络员" if content.community_name.endswith("社区") else "村联络员"


def card_people(content: CardContent) -> list[tuple[str, Contact]]:
    rows: list[tuple[str, Contact]] = []
    if content.leader:
        rows.append(("驻点组长", content.leader))
    for i, member in enumerate(content.core):
        rows.append(("团队成员" if i == 0 else "", member))
    if content.town_liaison:
        rows.append(("镇联络员", content.town_liaison))
    if content.community_liaison:
        rows.append((_liaison_label(content), content.community_liaison))
    return rows


def plan_front(content: CardContent) -> tuple[Plan, list[tuple]]:
    """Texts of the front and its shapes (rules, the band, the info box)."""
    p = Plan(_who(content))
    shapes: list[tuple] = []
    W, H = CARD_W, CARD_H
    p.text("民情联系卡", PAD, H - 3.0 * mm, 26 * mm, 13.5, 11, color=WHITE, bold=True,
           what="标题")
    right = W - PAD
    p.text(content.community_name, right, H - 2.3 * mm, 50 * mm, 9, 6, color=WHITE, bold=True,
           align="right", what="村（社区）名称")
    p.text(f"{content.town_name} · {content.team_name}", right, H - 6.6 * mm, 50 * mm, 6, 4.5,
           color=(1, 0.92, 0.85), align="right", what="团队名称")

    rows = card_people(content)
    body_top, body_bottom = H - BAND_H - 1.4 * mm, 15.6 * mm
    n = max(len(rows), 1)
    row_h = min(4.4 * mm, (body_top - body_bottom) / n)
    name_size = min(7.2, row_h * 0.74)
    pos_size = min(6.0, row_h * 0.62)
    label_x, name_x, pos_x = PAD, PAD + 12.5 * mm, PAD + 26 * mm
    phone_w = 20 * mm
    pos_w = right - phone_w - 1.5 * mm - pos_x
    if not rows:
        p.warnings.append(f"{p.who}：没有驻点组长、团队成员和联络员，联系卡上没有可联系的人。")
    for i, (label, person) in enumerate(rows):
        top = body_top - i * row_h
        mid = top - row_h / 2
        role = label or "成员"
        if label:
            p.text(label, label_x, mid + 2.0, 12 * mm, 5.2, 4.2, color=GREY, what="称谓")
        p.text(person.name, name_x, mid + name_size * 0.45, 13 * mm, name_size, 5.0,
               bold=(i == 0), what=f"{role} {person.name} 的姓名")
        if person.position:
            p.text(person.position, pos_x, mid + pos_size * 0.45, pos_w, pos_size, 4.4,
                   lines=2 if row_h >= 2 * 4.4 * 1.18 + 1 else 1, height=row_h - 1,
                   color=(0.3, 0.3, 0.3), what=f"{role} {person.name} 的职务")
        if person.phone:
            p.text(person.phone, right, mid + name_size * 0.45, phone_w, name_size, 5.0,
                   align="right", bold=(i == 0), what=f"{role} {person.name} 的电话")
        else:
            p.warnings.append(f"{p.who}：{role} {person.name} 没有联系电话。")
        if i < len(rows) - 1:
            shapes.append(("rule", name_x, top - row_h, right, top - row_h))
    # station box
    box_y, box_h = STRIP_H + 0.6 * mm, 10.2 * mm
    shapes.append(("box", 0, box_y, W, box_h, TINT))
    left_w = W - 2 * PAD - 27 * mm
    p.text("驻点时间", PAD, box_y + box_h - 1.3 * mm, 12 * mm, 5.2, 4.2, color=RED, bold=True)
    p.text(content.schedule, PAD + 9 * mm, box_y + box_h - 1.2 * mm, left_w - 9 * mm, 6.4, 4.6,
           what="驻点时间")
    p.text("驻点地点", PAD, box_y + box_h - 5.6 * mm, 12 * mm, 5.2, 4.2, color=RED, bold=True)
    p.text(content.place, PAD + 9 * mm, box_y + box_h - 5.5 * mm, left_w - 9 * mm, 6.4, 4.4,
           lines=2, height=4.6 * mm, what="驻点地点")
    hx = W - PAD
    p.text("服务热线", hx, box_y + box_h - 1.4 * mm, 24 * mm, 5.2, 4.2, color=GREY, align="right")
    p.text(content.hotline or "—", hx, box_y + box_h - 4.4 * mm, 25 * mm, 9.5, 6, color=RED,
           bold=True, align="right", what="服务热线")
    shapes.append(("vrule", hx - 25.5 * mm, box_y + 1.5 * mm, hx - 25.5 * mm,
                   box_y + box_h - 1.5 * mm))
    p.text(ADDRESS_LABEL, ADDRESS_X, ADDRESS_Y + ADDRESS_SIZE * 0.88, 10 * mm, ADDRESS_SIZE,
           ADDRESS_SIZE, color=GREY)
    return p, shapes


def plan_back(content: CardContent) -> tuple[Plan, list[tuple]]:
    p = Plan(_who(content))
    W, H = CARD_W, CARD_H
    qr_x = W - 3 * mm - QR_SIZE
    qr_top = H - BACK_BAND_H - 2.2 * mm
    col_w = qr_x - 1.5 * mm - PAD
    p.text("驻点直联 · 服务群众", PAD, H - BACK_BAND_H - 3.2 * mm, col_w, 8.5, 6, color=RED,
           bold=True)
    p.text(content.back_text, PAD, H - BACK_BAND_H - 8.4 * mm, col_w, 7.0, 4.8, lines=10,
           height=H - BACK_BAND_H - 8.4 * mm - 8.5 * mm, what="背面说明文字")
    issued = content.issued_on
    p.text(f"{content.district_name}{content.town_name} 印发 · {issued.year}年{issued.month}月",
           PAD, 6.2 * mm, col_w, 5.4, 4.4, color=GREY, what="印发单位")
    shapes: list[tuple] = []
    contact = content.qr_contact
    cx = qr_x + QR_SIZE / 2
    if contact is None:
        p.warnings.append(f"{p.who}：没有指定二维码联系人，背面不印二维码。")
        return p, shapes
    if content.qr_note:
        p.warnings.append(f"{p.who}：{content.qr_note}。")
    shapes.append(("qr", qr_x, qr_top - QR_SIZE, QR_SIZE, vcard(contact, content)))
    under = qr_top - QR_SIZE - 0.2 * mm
    p.text("扫码保存联系人", cx, under, QR_SIZE, 5.0, 4.2, color=GREY, align="centre")
    title = f"{contact.name}  {contact.position}".strip()
    p.text(title, cx, under - 2.6 * mm, QR_SIZE + 2 * mm, 6.8, 4.6, bold=True, align="centre",
           what=f"二维码联系人 {contact.name} 的姓名和职务")
    p.text(contact.phone or "—", cx, under - 5.6 * mm, QR_SIZE + 2 * mm, 8.0, 5.5, color=RED,
           bold=True, align="centre", what=f"二维码联系人 {contact.name} 的电话")
    if not contact.phone:
        p.warnings.append(f"{p.who}：二维码联系人 {contact.name} 没有联系电话。")
    return p, shapes


def _draw_shapes(c: Canvas, shapes: list[tuple]) -> None:
    for shape in shapes:
        kind = shape[0]
        if kind in ("rule", "vrule"):
            c.setStrokeColorRGB(*RULE)
            c.setLineWidth(0.35)
            c.line(*shape[1:5])
        elif kind == "box":
            _k, x, y, w, h, color = shape
            c.setFillColorRGB(*color)
            c.rect(x, y, w, h, stroke=0, fill=1)
        elif kind == "qr":
            _k, x, y, size, text = shape
            qr.draw(c, x, y, size, text)


def draw_front(c: Canvas, plan: Plan, shapes: list[tuple]) -> None:
    c.setFillColorRGB(*RED)
    c.rect(0, CARD_H - BAND_H, CARD_W, BAND_H, stroke=0, fill=1)
    c.setFillColorRGB(*GOLD)
    c.rect(0, CARD_H - BAND_H - 0.6 * mm, CARD_W, 0.6 * mm, stroke=0, fill=1)
    _draw_shapes(c, shapes)
    c.setStrokeColorRGB(*RULE)
    c.setLineWidth(0.35)
    c.line(PAD, STRIP_H, CARD_W - PAD, STRIP_H)
    for t in plan.texts:
        t.draw(c)


def draw_back(c: Canvas, plan: Plan, shapes: list[tuple]) -> None:
    c.setFillColorRGB(*RED)
    c.rect(0, CARD_H - BACK_BAND_H, CARD_W, BACK_BAND_H, stroke=0, fill=1)
    c.setFillColorRGB(*GOLD)
    c.rect(0, CARD_H - BACK_BAND_H - 0.5 * mm, CARD_W, 0.5 * mm, stroke=0, fill=1)
    _draw_shapes(c, shapes)
    for t in plan.texts:
        t.draw(c)


def check_cards(contents: Iterable[CardContent]) -> list[str]:
    """Every warning printing these designs would give (text that does not fit, a character
    no font has, a missing phone or QR contact), without drawing anything."""
    warnings: list[str] = []
    for content in contents:
        for plan, _shapes in (plan_front(content), plan_back(content)):
            warnings.extend(w for w in plan.warnings if w not in warnings)
    return warnings


def household_plan(content: CardContent, line: HouseholdLine) -> tuple[list[Text], list[str]]:
    """The per-household texts of a personalised front: address and serial."""
    p = Plan(f"{content.community_name} 住户 {line.serial}")
    label_w = fonts.width(ADDRESS_LABEL, ADDRESS_SIZE)
    x = ADDRESS_X + label_w
    top = ADDRESS_Y + ADDRESS_SIZE * 0.88
    p.text(line.address, x, top, CARD_W - PAD - SERIAL_W - x - 1 * mm, ADDRESS_SIZE,
           ADDRESS_MIN, what="地址", cache=False)
    p.text(f"No. {line.serial}", CARD_W - PAD, top, SERIAL_W, SERIAL_SIZE, 4.2, color=GREY,
           align="right", what="编号", cache=False)
    return p.texts, p.warnings


# --- sheets ---------------------------------------------------------------------------

def _crop_marks(c: Canvas) -> None:
    c.setStrokeColorRGB(0, 0, 0)
    c.setLineWidth(0.3)
    for x1, y1, x2, y2 in crop_marks():
        c.line(x1, y1, x2, y2)


def _sheets(contents: list[CardContent], households) -> Iterator[tuple[int, list]]:
    """(content index, up to ten household lines — None for an unpersonalised card)."""
    for index, content in enumerate(contents):
        if households is None:
            yield index, [None] * PER_PAGE
            continue
        if content.community_id not in households:
            continue
        batch: list = []
        for line in households[content.community_id]:
            batch.append(line)
            if len(batch) == PER_PAGE:
                yield index, batch
                batch = []
        if batch:
            yield index, batch


class _Chunks:
    """Canvases on temporary files, joined into ``out`` as each one fills up."""

    def __init__(self, out, folder: Path, title: str) -> None:
        self.join = PdfConcat(out, title)
        self.folder = folder
        self.canvas: Canvas | None = None
        self.path: Path | None = None
        self.sheets = 0
        self.forms: set[str] = set()
        self.count = 0
        self.title = title

    def get(self) -> Canvas:
        if self.canvas is None:
            self.count += 1
            self.path = self.folder / f"chunk{self.count}.pdf"
            self.canvas = Canvas(str(self.path), pagesize=(PAGE_W, PAGE_H), pageCompression=1,
                                 initialFontName=fonts.PRIMARY)
            self.canvas.setTitle(self.title)
            self.forms = set()
            self.sheets = 0
        return self.canvas

    def sheet_done(self) -> None:
        self.sheets += 1
        if self.sheets >= CHUNK_SHEETS:
            self.flush()

    def flush(self) -> None:
        if self.canvas is None:
            return
        self.canvas.save()
        self.join.add(self.path.read_bytes())
        self.path.unlink()
        self.canvas = None

    def pages(self) -> int:
        return len(self.join.kids)


def render_cards(contents: list[CardContent], out: Path, *, front_only: bool = False,
                 households: dict[int, Iterable[HouseholdLine]] | None = None,
                 progress: Callable[[int], None] | None = None,
                 cancelled: Callable[[], bool] | None = None) -> RenderReport:
    """Write the card sheets of ``contents`` to ``out`` (PDF). Without ``households`` each
    design fills one sheet of ten; with it, one personalised card per household of each
    design's community. ``progress(cards_done)`` is called after every sheet;
    ``cancelled()`` returning True stops the batch (raises :class:`Cancelled`)."""
    fonts.register()
    contents = list(contents)
    out = Path(out)
    report = RenderReport()
    plans: dict[int, tuple] = {}
    for i, content in enumerate(contents):
        front, back = plan_front(content), plan_back(content)
        plans[i] = (front, back)
        for plan, _shapes in (front, back):
            report.warnings.extend(w for w in plan.warnings if w not in report.warnings)
    title = "民情联系卡"
    with replacing(out) as partial:
        with tempfile.TemporaryDirectory(prefix="zhilian-cards-") as folder, \
                open(partial, "wb") as handle:
            chunks = _Chunks(handle, Path(folder), title)
            for index, lines in _sheets(contents, households):
                if cancelled is not None and cancelled():
                    raise Cancelled("已取消打印联系卡，未保存文件。")
                c = chunks.get()
                front_name, back_name = f"front{index}", f"back{index}"
                if front_name not in chunks.forms:
                    (fp, fs), (bp, bs) = plans[index]
                    c.beginForm(front_name, 0, 0, CARD_W, CARD_H)
                    draw_front(c, fp, fs)
                    c.endForm()
                    c.beginForm(back_name, 0, 0, CARD_W, CARD_H)
                    draw_back(c, bp, bs)
                    c.endForm()
                    chunks.forms.update((front_name, back_name))
                _crop_marks(c)
                content = contents[index]
                for slot, line in enumerate(lines):
                    r = card_rect(slot)
                    c.saveState()
                    c.translate(r.x, r.y)
                    c.doForm(front_name)
                    if line is not None:
                        texts, warnings = household_plan(content, line)
                        report.warnings.extend(warnings)
                        for t in texts:
                            t.draw(c)
                    else:
                        c.setStrokeColorRGB(*RULE)
                        c.setLineWidth(0.35)
                        x0 = ADDRESS_X + fonts.width(ADDRESS_LABEL, ADDRESS_SIZE)
                        c.line(x0, ADDRESS_Y - 0.6, CARD_W - PAD, ADDRESS_Y - 0.6)
                    c.restoreState()
                c.showPage()
                if not front_only:
                    _crop_marks(c)
                    for slot in range(len(lines)):
                        r = card_rect(slot, back=True)
                        c.saveState()
                        c.translate(r.x, r.y)
                        c.doForm(back_name)
                        c.restoreState()
                    c.showPage()
                report.cards += len(lines)
                chunks.sheet_done()
                if progress is not None:
                    progress(report.cards)
            chunks.flush()
            if not chunks.pages():
                raise DomainError("没有可打印的联系卡（所选村（社区）没有住户，或没有选中任何团队）。")
            chunks.join.close()
            report.pages = chunks.pages()
    return report


def sheet_count(cards: int) -> int:
    return math.ceil(cards / PER_PAGE)
