"""The meeting PDFs read back: the minutes (text, figures, signatures drawn in their boxes,
scans, draft mark, amendments, long text flowing on) and the sign-in sheet (rows, blank rows
filling the last page, header on every page), all A4."""

from __future__ import annotations

import io
import re
import subprocess
from datetime import date, time
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from PIL import Image, ImageDraw
from reportlab.platypus import Flowable
from sqlalchemy import select

from app.auth import Actor
from app.db import Database
from app.meetings import pdf as meetings_pdf
from app.meetings.pdf import minutes_pdf, sign_in_sheet_pdf
from app.models import Attendance, AuditEntry, MeetingKind
from app.services import meetings as M
from app.services.settings import get_settings
from tests.databases import open_test_database
from tests.ui_support import seed_town

DAY = date(2026, 11, 16)
A4_PT = (595, 842)


def signature_png() -> bytes:
    """A zig-zag stroke on a transparent background, as the signature pad saves it."""
    image = Image.new("RGBA", (400, 150), (0, 0, 0, 0))
    ImageDraw.Draw(image).line((10, 110, 80, 20, 150, 130, 220, 25, 300, 120, 390, 30),
                               fill=(0, 0, 0, 255), width=8)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def scan_jpeg() -> bytes:
    image = Image.new("RGB", (900, 1270), (250, 250, 246))
    draw = ImageDraw.Draw(image)
    for i in range(10):
        draw.line((80, 150 + i * 100, 820, 150 + i * 100), fill=(20, 20, 20), width=3)
    out = io.BytesIO()
    image.save(out, "JPEG")
    return out.getvalue()


def make_meeting(db: Database, ids: dict[str, int], *, signed: bool = True, held_on: date = DAY,
                 final: bool = True, amend: bool = True, scan: bool = True,
                 discussion: str = "黄志强汇报上周走访 12 户，收集问题 3 个。") -> int:
    """A weekly meeting: leader present (signature), member late, liaison on leave, a walk-in
    with a rare character in his name, an action item, finalised and amended."""
    with db.session() as s:
        mid = M.create_meeting(s, M.MeetingInput(
            MeetingKind.WEEKLY, held_on, time(14), time(15), [ids["team"]],
            agenda=["研究本周走访安排"], host_id=ids["lee"], carry_over=False)).id
    with db.session() as s:
        m = M.get_meeting(s, mid)
        by_name = {a.name: a for a in m.attendees}
        M.sign_in(s, by_name["李建国"].id, M.SignIn(
            Attendance.PRESENT, signature_png=signature_png() if signed else None))
        M.sign_in(s, by_name["黄志强"].id, M.SignIn(Attendance.LATE, arrived_at=time(14, 10)))
        M.sign_in(s, by_name["陈小红"].id, M.SignIn(Attendance.LEAVE, leave_reason="下村调处纠纷"))
        walk_in = M.add_walk_in(s, mid, M.WalkIn("王䶮", "石岗村村民"))
        M.sign_in(s, walk_in.id, M.SignIn(Attendance.PRESENT))
        if scan:
            M.attach_scan(s, mid, scan_jpeg(), "签到表.jpg")
        item = m.agenda[0]
        M.save_minutes(s, mid, [M.AgendaInput(item.title, discussion, "周五前走访完重点户。",
                                              id=item.id)], "路灯问题由黄志强跟进。")
        M.add_action(s, mid, M.ActionInput("修复村道路灯", date(2026, 11, 30),
                                           owner_id=ids["wong"]))
    if final:
        with db.session() as s:
            M.finalise(s, mid, unsigned_reason="签字板故障，会后补签")
    if final and amend:
        with db.session() as s:
            m = M.get_meeting(s, mid)
            M.amend_agenda(s, m.agenda[0].id, "decision", "周四前走访完重点户。",
                           "记录人笔误会上定的是周四")
    return mid


@pytest.fixture(scope="module")
def town(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    path = tmp_path_factory.mktemp("meet") / "town.db"
    db = open_test_database(path, Actor.program())
    ids = seed_town(db)
    with db.session() as s:
        get_settings(s).town_name = "云溪镇"
    yield db, ids
    db.close()


def texts(path: Path) -> list[str]:
    pdf = pdfium.PdfDocument(str(path))
    try:
        return [pdf[i].get_textpage().get_text_range() for i in range(len(pdf))]
    finally:
        pdf.close()


def sizes(path: Path) -> list[tuple[int, int]]:
    pdf = pdfium.PdfDocument(str(path))
    try:
        return [tuple(round(v) for v in pdf[i].get_size()) for i in range(len(pdf))]
    finally:
        pdf.close()


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def render(path: Path, page: int, dpi: int = 100) -> Image.Image:
    pdf = pdfium.PdfDocument(str(path))
    try:
        return pdf[page].render(scale=dpi / 72).to_pil().convert("L")
    finally:
        pdf.close()


def dark_pixels(image: Image.Image, box: tuple[float, float, float, float], dpi: int = 100
                ) -> int:
    """Dark pixels inside ``box`` (x, y, w, h in points from the bottom-left), its edges
    (the table's rules) left out."""
    x, y, w, h = box
    k = dpi / 72
    inset = 3
    left, right = int(x * k) + inset, int((x + w) * k) - inset
    top, bottom = int(image.height - (y + h) * k) + inset, int(image.height - y * k) - inset
    region = image.crop((left, top, right, bottom))
    return sum(region.histogram()[:100])


def test_minutes_text_figures_signature_scan_and_amendment(town, tmp_path: Path) -> None:
    db, ids = town
    signed = make_meeting(db, ids, signed=True)
    unsigned = make_meeting(db, ids, signed=False, held_on=date(2026, 11, 9))
    out, bare = tmp_path / "minutes.pdf", tmp_path / "unsigned.pdf"
    with db.session() as s:
        report = minutes_pdf(s, signed, out)
        bare_report = minutes_pdf(s, unsigned, bare)
    assert report.pages == len(texts(out)) >= 2
    assert set(sizes(out)) == {A4_PT}
    pages = texts(out)
    whole = flat("".join(pages))
    assert "云溪镇会议记录" in whole
    for name in ("李建国", "黄志强", "陈小红", "王䶮"):   # 䶮 comes from the fallback font
        assert name in whole
    # the figures, counted: 应到 3, 实到 2 (出席 1, 迟到 1), 请假 1, 缺席 0, 列席 1
    assert "应到实到出席迟到请假缺席列席出席率3人2人1人1人1人0人1人66.7%" in whole
    assert "迟到（14:10到会）" in whole and "请假：下村调处纠纷" in whole
    assert "修复村道路灯" in whole and "黄志强" in whole and "2026-11-30" in whole
    assert re.search(r"石岗村-2026-\d{3}", whole)
    # finalised, and the amendment with who, why, before and after
    assert "已定稿" in whole and "定稿：系统" in whole and "草稿（未定稿）" not in whole
    assert "更正记录" in whole and "记录人笔误会上定的是周四" in whole
    assert "周五前走访完重点户。" in whole and "周四前走访完重点户。" in whole
    # the scan on its own page, last
    assert "附件1：签到表扫描件" in flat(pages[-1])
    assert all(f"第{i}页共{len(pages)}页" in flat(t) for i, t in enumerate(pages, start=1))

    # the signature is drawn in its box; the same box stays empty without a signature
    assert len(report.signature_boxes) == 1 and not bare_report.signature_boxes
    page, x, y, w, h = next(iter(report.signature_boxes.values()))
    assert 0 < x and x + w < A4_PT[0] and 0 < y and y + h < A4_PT[1]
    inked = dark_pixels(render(out, page - 1), (x, y, w, h))
    blank = dark_pixels(render(bare, page - 1), (x, y, w, h))
    assert inked > 150, inked
    assert blank < 10, blank

    with db.session() as s:
        summaries = s.scalars(select(AuditEntry.summary).where(AuditEntry.action == "export")).all()
    assert any("minutes.pdf" in x for x in summaries)


def test_draft_is_marked_on_every_page_and_long_minutes_flow_on(town, tmp_path: Path) -> None:
    db, ids = town
    long = "\n".join(f"第{i}段：" + "群众反映村道路灯损坏，夜间出行不便，建议尽快修复。" * 8
                     for i in range(1, 41)) + "\n讨论到此结束【完】"
    mid = make_meeting(db, ids, final=False, held_on=date(2026, 10, 12), discussion=long,
                       scan=False)
    out = tmp_path / "draft.pdf"
    with db.session() as s:
        report = minutes_pdf(s, mid, out)
    pages = texts(out)
    assert report.pages == len(pages) >= 3
    assert set(sizes(out)) == {A4_PT}
    for page in pages:
        assert "草稿（未定稿）" in flat(page)
    whole = flat("".join(pages))
    assert "讨论到此结束【完】" in whole          # nothing cut off
    assert whole.count("群众反映村道路灯损坏") == 40 * 8
    assert "定稿：" not in whole and "更正记录" not in whole


def test_sign_in_sheet_has_blank_rows_filling_the_last_page(town, tmp_path: Path) -> None:
    db, ids = town
    with db.session() as s:
        mid = M.create_meeting(s, M.MeetingInput(
            MeetingKind.WEEKLY, date(2026, 12, 7), time(9), time(10), [ids["team"]],
            agenda=["部署走访"], carry_over=False)).id
    out = tmp_path / "sheet.pdf"
    with db.session() as s:
        report = sign_in_sheet_pdf(s, mid, out)
    pages = texts(out)
    assert report.pages == len(pages) == 1
    assert set(sizes(out)) == {A4_PT}
    text = flat(pages[0])
    assert "云溪镇会议签到表" in text and "石岗村驻点团队周会" in text
    assert "序号姓名单位／职务签名备注" in text
    for name in ("李建国", "陈小红", "黄志强"):
        assert name in text
    assert "应到人数3人" in text and "第1页共1页" in text
    assert report.blank_rows >= 5
    last_row = 3 + report.blank_rows
    assert str(last_row) in pages[0].split() and str(last_row + 1) not in pages[0].split()

    # many walk-ins: the table runs on, its header on every page, blank rows after them
    with db.session() as s:
        for i in range(40):
            M.add_walk_in(s, mid, M.WalkIn(f"村民{i + 1:02d}", "石岗村"))
    more = tmp_path / "sheet2.pdf"
    with db.session() as s:
        report = sign_in_sheet_pdf(s, mid, more)
    pages = texts(more)
    assert report.pages == len(pages) >= 3
    assert set(sizes(more)) == {A4_PT}
    for number, page in enumerate(pages, start=1):
        assert "序号姓名单位／职务签名备注" in flat(page)
        assert f"第{number}页共{len(pages)}页" in flat(page)
    assert "村民40" in flat(pages[-1]) or "村民40" in flat("".join(pages))
    numbers = [int(w) for w in pages[-1].split() if w.isdigit()]
    assert max(numbers) == 43 + report.blank_rows and report.blank_rows >= 5


def page_text(path: Path, page: int) -> str:
    """One page's text, as pdftotext reads it back."""
    return subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), str(path), "-"],
                          capture_output=True, text=True, check=True).stdout


class Loose(Flowable):
    """The minutes' sign-in table and what follows it laid out one after the other, without
    keep-with-next (the layout before it): stands in for KeepTail."""

    def __init__(self, table, tail, rows: int = 2) -> None:  # type: ignore[no-untyped-def]
        super().__init__()
        self.table, self.parts = table, [table, *tail]

    def wrap(self, avail_w: float, avail_h: float) -> tuple[float, float]:
        if avail_h > 1e6:          # measured with its heading (keepWithNext): just the table
            return self.table.wrap(avail_w, avail_h)
        return avail_w, avail_h + 1        # in a frame: split into its parts

    def split(self, avail_w: float, avail_h: float) -> list[Flowable]:
        if self.table.wrap(avail_w, avail_h)[1] <= avail_h:
            return self.parts
        return [*self.table.split(avail_w, avail_h), *self.parts[1:]]


def signature_page(path: Path) -> str:
    """The text of the last page with the 主持人/记录人 signature lines (pdftotext, per page)."""
    for page in range(len(texts(path)), 0, -1):
        text = flat(page_text(path, page))
        if "主持人（签字）" in text:
            assert "记录人（签字）" in text
            return text
    raise AssertionError("no signature lines")


@pytest.mark.parametrize("grow", ["discussion", "sign_in"])
def test_the_signature_lines_stay_with_the_end_of_the_record(town, tmp_path: Path, monkeypatch,
                                                              grow: str) -> None:
    """Minutes growing a little at a time — two more lines of discussion (a short sign-in
    table), or one more walk-in (a sign-in table running over pages) — over a page's worth:
    the page with the 主持人/记录人 signature lines always holds the end of the record too (the
    last row of the sign-in table and the line under it). Without keep-with-next some of
    these lengths leave the signature lines alone at the top of the last page."""
    db, ids = town
    mid = make_meeting(db, ids, final=False, scan=False,
                       held_on=date(2026, 9, 7 if grow == "discussion" else 14))
    alone = 0
    for step in range(24):
        with db.session() as s:
            if grow == "discussion":
                item = M.get_meeting(s, mid).agenda[0]
                discussion = "\n".join(f"第{i + 1}行：讨论本周走访安排和重点户名单。"
                                       for i in range(2 * step))
                M.save_minutes(s, mid, [M.AgendaInput(item.title, discussion or "按计划走访。",
                                                      "周五前走访完重点户。", id=item.id)],
                               "路灯问题由黄志强跟进。")
                last = "石岗村村民"          # the walk-in's unit: the table's last row
            else:
                for n in range(len(M.get_meeting(s, mid).attendees) - 4, 18 + step):
                    M.add_walk_in(s, mid, M.WalkIn(f"村民{n + 1:02d}", f"东湖村第{n + 1}组"))
                last = f"东湖村第{18 + step}组"
        kept, loose = tmp_path / f"kept{step}.pdf", tmp_path / f"loose{step}.pdf"
        with db.session() as s:
            minutes_pdf(s, mid, kept)
        page = signature_page(kept)
        assert last in page and "本记录为草稿" in page, step
        with monkeypatch.context() as patch, db.session() as s:
            patch.setattr(meetings_pdf, "KeepTail", Loose)
            minutes_pdf(s, mid, loose)
        alone += last not in signature_page(loose)
    assert alone >= 1          # the lengths tried include the case keep-with-next is for


def test_the_reason_for_missing_signatures_is_printed(town, tmp_path: Path) -> None:
    db, ids = town
    mid = make_meeting(db, ids, signed=False, scan=False, amend=False, held_on=date(2026, 11, 2))
    with db.session() as s:
        assert "李建国" in M.get_meeting(s, mid).unsigned_reason
        minutes_pdf(s, mid, tmp_path / "m.pdf")
    whole = flat("".join(texts(tmp_path / "m.pdf")))
    assert "未签名说明" in whole and "签字板故障，会后补签" in whole
