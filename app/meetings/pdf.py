"""The meeting's paper: the sign-in sheet (会议签到表) printed before the meeting, and the
minutes (会议记录) as the official record.

Both are A4 portrait with the fonts embedded, "第 x 页 共 y 页" on every page, and tables whose
header row repeats on each page. The minutes show only what the record holds: the attendance
figures are counted by app.services.meetings.figures, the signatures are the captured ones,
the scanned sheets are attached as they were checked in, a draft says so on every page, and
every correction after 定稿 is listed with its reason and the text before and after.

Each PDF made is recorded in the audit trail ("export"), like the other exports.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (CondPageBreak, Flowable, KeepTogether, PageBreak, Paragraph,
                                Spacer, Table, TableStyle)
from sqlalchemy.orm import Session

from app import audit
from app.documents import pdf_fonts as fonts
from app.documents.pdf import (FRAME_W, GREY, HEAD_FILL, INK, MARGIN_BOTTOM, MARGIN_TOP,
                               MARGIN_X, PAGE_H, PAGE_W, RULE, para, paras, styles)
from app.documents.pdf_pages import (KeepTail, Marker, PageImage, SignatureImage, Title, build,
                                     watermark)
from app.models import Attendance, Attendee, Meeting
from app.services.meetings import figures, get_meeting
from app.services.settings import get_settings

WEEKDAYS = "一二三四五六日"
MIN_BLANK_ROWS = 5
SHEET_ROW_H = 13 * mm       # a row of the sign-in sheet: room for a handwritten name
SIGN_ROW_H = 12 * mm        # a row of the minutes' sign-in table with a captured signature
DRAFT = "草稿（未定稿）"


@dataclass
class PdfReport:
    path: Path
    pages: int
    # minutes: attendee id → (page, x, y, w, h) of the box the signature was drawn in
    signature_boxes: dict[int, tuple[int, float, float, float, float]] = field(
        default_factory=dict)
    blank_rows: int = 0


# --- shared pieces -------------------------------------------------------------------------

def _day(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日（星期{WEEKDAYS[d.weekday()]}）"


def _hours(m: Meeting) -> str:
    return f"{m.start_time:%H:%M}—{m.end_time:%H:%M}"


def _stamp(at: datetime | None) -> str:
    return f"{at.year}年{at.month}月{at.day}日 {at:%H:%M}" if at else ""


def _who(attendee: Attendee) -> str:
    return "／".join(part for part in (attendee.unit, attendee.post) if part)


def _teams(m: Meeting) -> str:
    return "、".join(t.name for t in m.teams) or "—"


def _data_rows(m: Meeting, st: dict) -> list[list]:
    """The meeting data as label/value pairs: two to a row, or one across the table."""
    cell, label = st["cell"], st["head"]
    people = (("主 持 人", m.host.name if m.host else "—"),
              ("记 录 人", m.recorder.name if m.recorder else "—"))
    layout: list[tuple] = [
        (("会议名称", m.title),),
        (("会议类型", m.kind.label), ("会议地点", m.place or "—")),
        (("会议时间", f"{_day(m.held_on)} {_hours(m)}"),),
        people,
        (("参会团队", _teams(m)),) if m.community is None
        else (("参会团队", _teams(m)), ("村（社区）", m.community.name)),
    ]
    rows = []
    for pairs in layout:
        if len(pairs) == 1:
            rows.append([para(pairs[0][0], label), para(pairs[0][1], cell), "", ""])
        else:
            (l1, v1), (l2, v2) = pairs
            rows.append([para(l1, label), para(v1, cell), para(l2, label), para(v2, cell)])
    return rows


DATA_WIDTHS = [24 * mm, FRAME_W / 2 - 24 * mm, 24 * mm, FRAME_W / 2 - 24 * mm]


def _grid(extra: list | None = None, head_rows: int = 0, label_cols: tuple[int, ...] = ()
          ) -> TableStyle:
    cmds = [("GRID", (0, 0), (-1, -1), 0.6, RULE),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("LEFTPADDING", (0, 0), (-1, -1), 4), ("RIGHTPADDING", (0, 0), (-1, -1), 4),
            ("TOPPADDING", (0, 0), (-1, -1), 4), ("BOTTOMPADDING", (0, 0), (-1, -1), 4)]
    if head_rows:
        cmds.append(("BACKGROUND", (0, 0), (-1, head_rows - 1), HEAD_FILL))
    for col in label_cols:
        cmds.append(("BACKGROUND", (col, 0), (col, -1), HEAD_FILL))
    return TableStyle(cmds + (extra or []))


def _data_table(m: Meeting, st: dict, extra_rows: list[list] | None = None) -> Table:
    rows = _data_rows(m, st) + (extra_rows or [])
    cmds: list[tuple] = [("BACKGROUND", (0, 0), (0, -1), HEAD_FILL)]
    for i, row in enumerate(rows):
        if row[2] == "":
            cmds.append(("SPAN", (1, i), (3, i)))
        else:
            cmds.append(("BACKGROUND", (2, i), (2, i), HEAD_FILL))
    return Table(rows, colWidths=DATA_WIDTHS, style=_grid(cmds), hAlign="CENTER")


def _audit_export(session: Session, m: Meeting, what: str, out: Path, pages: int) -> None:
    audit.record(session, "export", "meeting", m.id,
                 f"导出{what}：{m.title} → {out.name}（{pages} 页）")


# --- 会议签到表 ----------------------------------------------------------------------------

SHEET_WIDTHS = [12 * mm, 26 * mm, 52 * mm, 50 * mm, FRAME_W - 140 * mm]


def sign_in_sheet_pdf(session: Session, meeting_id: int, out: Path) -> PdfReport:
    """The sign-in sheet to print before the meeting: a row per person on the list (those
    expected first, then walk-ins already added) and blank rows for walk-ins — at least five,
    as many as fill the last page."""
    m = get_meeting(session, meeting_id)
    town = get_settings(session).town_name
    out = Path(out)
    first = _sheet_story(m, town, MIN_BLANK_ROWS)
    probe = io.BytesIO()
    build(first.story, probe, title="会议签到表")
    extra = 0
    if first.marker.y is not None:
        room = first.marker.y - MARGIN_BOTTOM
        extra = max(0, math.floor((room - 0.5) / SHEET_ROW_H))
    final = _sheet_story(m, town, MIN_BLANK_ROWS + extra)
    pages = build(final.story, out, title=f"{m.title} 签到表",
                  on_page=_running_head(m.title, f"{town}会议签到表"))
    _audit_export(session, m, "会议签到表", out, pages)
    return PdfReport(out, pages, blank_rows=MIN_BLANK_ROWS + extra)


@dataclass
class _Story:
    story: list[Flowable]
    marker: Marker


def _sheet_story(m: Meeting, town: str, blanks: int) -> _Story:
    st = styles()
    expected = sum(1 for a in m.attendees if a.expected)
    story: list[Flowable] = [Title(f"{town}会议签到表", 20, 8)]
    story.append(_data_table(m, st, [[
        para("应到人数", st["head"]), para(f"{expected} 人", st["cell"]),
        para("实到人数", st["head"]), para("_______ 人", st["cell"])]]))
    story.append(Spacer(1, 3 * mm))
    story.append(para("请本人在“签名”栏亲笔签名，不得代签；请假、迟到请在“备注”栏注明；"
                      "名单以外的参会人员请在空白行填写姓名和单位。", st["small"]))
    story.append(Spacer(1, 2 * mm))
    head = [para(h, st["head"]) for h in ("序号", "姓名", "单位／职务", "签名", "备注")]
    rows: list[list] = [head]
    heights = [9 * mm]
    for number, a in enumerate(m.attendees, start=1):
        cells = [para(str(number), st["cell_c"]), para(a.name, st["cell"]),
                 para(_who(a), st["cell"]), "", para("" if a.expected else "列席", st["cell"])]
        rows.append(cells)
        heights.append(max(SHEET_ROW_H, _row_height(cells, SHEET_WIDTHS)))
    for number in range(len(m.attendees) + 1, len(m.attendees) + blanks + 1):
        rows.append([para(str(number), st["cell_c"]), "", "", "", ""])
        heights.append(SHEET_ROW_H)
    table = Table(rows, colWidths=SHEET_WIDTHS, rowHeights=heights, repeatRows=1,
                  style=_grid(head_rows=1), hAlign="CENTER")
    marker = Marker()
    story += [table, marker]
    return _Story(story, marker)


def _row_height(cells: list, widths: list[float], padding: float = 8) -> float:
    tallest = 0.0
    for cell, width in zip(cells, widths):
        if isinstance(cell, Paragraph):
            tallest = max(tallest, cell.wrap(width - 8, 10_000)[1])
    return tallest + padding + 1


# --- 会议记录 ------------------------------------------------------------------------------

SIGN_WIDTHS = [12 * mm, 22 * mm, 40 * mm, 14 * mm, 38 * mm, FRAME_W - 126 * mm]
ACTION_WIDTHS = [12 * mm, FRAME_W - 98 * mm, 20 * mm, 24 * mm, 42 * mm]


def minutes_pdf(session: Session, meeting_id: int, out: Path) -> PdfReport:
    """The minutes as the official record (see the module's docstring)."""
    m = get_meeting(session, meeting_id)
    town = get_settings(session).town_name
    out = Path(out)
    boxes: dict[int, tuple[int, float, float, float, float]] = {}
    story = _minutes_story(m, town, boxes)
    draft = not m.final

    head = _running_head(m.title, f"{town}会议记录" + (f" · {DRAFT}" if draft else ""))

    def under(c: Canvas, number: int, total: int) -> None:
        head(c, number, total)
        if draft:
            watermark(c, DRAFT, 64, alpha=0.13)

    pages = build(story, out, title=f"{m.title} 会议记录", on_page=under)
    _audit_export(session, m, "会议记录", out, pages)
    return PdfReport(out, pages, signature_boxes=boxes)


def _running_head(left: str, right: str):  # type: ignore[no-untyped-def]
    """From page 2 on: the meeting's name and the document's, above a thin rule."""
    def draw(c: Canvas, number: int, _total: int) -> None:
        if number > 1:
            c.setFillColor(GREY)
            fonts.draw(c, MARGIN_X, PAGE_H - MARGIN_TOP + 6 * mm, _clip(left, 60), 8.5)
            fonts.draw(c, PAGE_W - MARGIN_X, PAGE_H - MARGIN_TOP + 6 * mm, right, 8.5,
                       align="right")
            c.setStrokeColor(GREY)
            c.setLineWidth(0.4)
            c.line(MARGIN_X, PAGE_H - MARGIN_TOP + 4.5 * mm, PAGE_W - MARGIN_X,
                   PAGE_H - MARGIN_TOP + 4.5 * mm)
    return draw


def _clip(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def _status_text(a: Attendee, held_on: date) -> str:
    if a.status is None:
        return "未登记" if held_on < date.today() else "尚未签到"
    if a.status == Attendance.LATE:
        return f"迟到（{a.arrived_at:%H:%M} 到会）" if a.arrived_at else "迟到"
    if a.status == Attendance.LEAVE:
        return f"请假：{a.leave_reason}" if a.leave_reason else "请假"
    return a.status.label


def _minutes_story(m: Meeting, town: str, boxes: dict) -> list[Flowable]:
    st = styles()
    story: list[Flowable] = [Title(f"{town}会议记录", 22, 2), para(m.title, st["subtitle"]),
                             Spacer(1, 2 * mm)]
    state = (f"已定稿（{m.finalised_by_name}，{_stamp(m.finalised_at)}）" if m.final
             else DRAFT)
    if m.amendments:
        state += f"；定稿后更正 {len(m.amendments)} 处，见文末“更正记录”"
    story.append(_data_table(m, st, [[para("记录状态", st["head"]),
                                      para(state, st["cell"] if m.final else st["cell_warn"]),
                                      "", ""]]))

    # 出席情况: counted from the sign-in, never typed
    f = figures(m.attendees)
    story.append(para("一、出席情况", st["section"]))
    heads = ["应到", "实到", "出席", "迟到", "请假", "缺席", "列席", "出席率"]
    values = [f.expected, f.attended, f.present, f.late, f.on_leave, f.absent, f.walk_ins,
              f"{f.rate:g}%" if f.rate is not None and not f.not_signed else "—"]
    if f.not_signed:
        heads.insert(6, "未登记")
        values.insert(6, f.not_signed)
    width = FRAME_W / len(heads)
    story.append(Table([[para(h, st["head"]) for h in heads],
                        [para(f"{v}" + ("" if isinstance(v, str) else " 人"), st["cell_c"])
                         for v in values]],
                       colWidths=[width] * len(heads), style=_grid(head_rows=1)))
    absent = [a for a in m.attendees if a.expected and a.status in (Attendance.LEAVE,
                                                                     Attendance.ABSENT)]
    if absent:
        story.append(Spacer(1, 1.5 * mm))
        story.append(para("；".join(f"{a.name}{_status_text(a, m.held_on)}" for a in absent),
                          st["small"], prefix="未出席人员："))

    # 会议议题及讨论情况
    story.append(para("二、议题及讨论情况", st["section"]))
    amended = {x.what for x in m.amendments}
    if not m.agenda:
        story.append(para("（尚未记录议题）", st["body"]))
    for number, item in enumerate(m.agenda, start=1):
        mark = any(w.startswith(f"议题 {item.position + 1}“") for w in amended)
        story.append(CondPageBreak(30 * mm))
        story.append(para(f"（{_cn(number)}）{item.title}", st["item"]))
        story.append(para("讨论情况：", st["label"]))
        story += paras(item.discussion, st["indent"], "（未记录）")
        story.append(para("决定：", st["label"]))
        story += paras(item.decision, st["indent"], "（无）")
        if mark:
            story.append(para("（本议题定稿后有更正，以上为更正后的内容，原文见“更正记录”）",
                              st["small"]))

    story.append(para("三、会议决定", st["section"]))
    story += paras(m.decisions, st["indent"], "（无）")

    story.append(para("四、交办事项", st["section"]))
    if not m.actions:
        story.append(para("（无）", st["body"]))
    else:
        story.append(_action_table(m, st))

    story.append(para("五、签到情况", st["section"]))
    # The end of the record — the sign-in table's last rows, the note on the scans, who
    # finalised it — and the signature lines of host and recorder stay on one page
    # (keep-with-next): the signatures never stand alone at the top of a page.
    tail: list[Flowable] = []
    if m.scans:
        tail += [Spacer(1, 1.5 * mm),
                 para(f"纸质签到表扫描件 {len(m.scans)} 张，附后。", st["small"])]
    if m.unsigned_reason:   # 定稿 with people present who did not sign: why, as recorded
        tail += [Spacer(1, 1.5 * mm), para(f"未签名说明：{m.unsigned_reason}", st["small"])]
    closing = [[para("主持人（签字）：", st["body"]), "",
                para("记录人（签字）：", st["body"]), ""]]
    tail += [
        Spacer(1, 8 * mm),
        Table(closing, colWidths=[38 * mm, FRAME_W / 2 - 44 * mm, 44 * mm,
                                  FRAME_W / 2 - 38 * mm],
              style=TableStyle([("LINEBELOW", (1, 0), (1, 0), 0.6, INK),
                                ("LINEBELOW", (3, 0), (3, 0), 0.6, INK),
                                ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                                ("TOPPADDING", (0, 0), (-1, -1), 10)])),
        Spacer(1, 4 * mm),
        para(f"定稿：{m.finalised_by_name}，{_stamp(m.finalised_at)}" if m.final
             else f"本记录为{DRAFT}，内容可能修改，不作为正式记录使用。",
             st["body"] if m.final else st["warn"])]
    story.append(KeepTail(_sign_table(m, st, boxes), tail))

    if m.amendments:
        story.append(para("六、更正记录", st["section"]))
        story.append(para("以下更正均在定稿后作出，正文为更正后的内容；原文照录于此，供核查。",
                          st["small"]))
        for number, x in enumerate(m.amendments, start=1):
            block = [para(f"第 {number} 处　{_stamp(x.at)}　更正人：{x.user_name}", st["item"]),
                     para(x.what, st["note"], prefix="更正内容："),
                     para(x.reason, st["note"], prefix="更正原因：")]
            story.append(KeepTogether(block))
            story.append(para("原文：", st["note_lead"]))
            story += paras(x.before, st["quote"], "（空）")
            story.append(para("更正为：", st["note_lead"]))
            story += paras(x.after, st["quote"], "（空）")

    for number, scan in enumerate(m.scans, start=1):
        story.append(PageBreak())
        story.append(para(f"附件 {number}：签到表扫描件（{scan.file_name}，"
                          f"{scan.width}×{scan.height} 像素，添加于 {_stamp(scan.created_at)}）",
                          st["item"]))
        story.append(para(f"SHA-256：{scan.sha256}", st["small"]))
        story.append(Spacer(1, 2 * mm))
        story.append(PageImage(scan.image))
    return story


ACTION_CHUNK = 240   # characters of an action's text per table row (a row never splits)


def _action_table(m: Meeting, st: dict) -> Table:
    """交办事项. reportlab cannot split a row across pages, so a long text continues in rows
    of its own below (no rule between them): the table flows on, nothing is cut off."""
    rows = [[para(h, st["head"]) for h in ("序号", "事项", "责任人", "办结时限", "问题台账编号")]]
    cmds: list[tuple] = [("BOX", (0, 0), (-1, -1), 0.6, RULE),
                         ("LINEAFTER", (0, 0), (-2, -1), 0.6, RULE),
                         ("LINEBELOW", (0, 0), (-1, 0), 0.6, RULE),
                         ("BACKGROUND", (0, 0), (-1, 0), HEAD_FILL),
                         ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                         ("LEFTPADDING", (0, 0), (-1, -1), 4), ("RIGHTPADDING", (0, 0), (-1, -1), 4),
                         ("TOPPADDING", (0, 0), (-1, -1), 4), ("BOTTOMPADDING", (0, 0), (-1, -1), 4)]
    for number, action in enumerate(m.actions, start=1):
        problem = action.problem
        origin = "本次会议登记" if action.created_problem else "原有问题，已更新"
        text = action.text
        chunks = [text[i:i + ACTION_CHUNK] for i in range(0, len(text), ACTION_CHUNK)] or [""]
        cmds.append(("LINEABOVE", (0, len(rows)), (-1, len(rows)), 0.6, RULE))
        if len(chunks) > 1:
            cmds.append(("VALIGN", (0, len(rows)), (-1, len(rows) + len(chunks) - 1), "TOP"))
        rows.append([para(str(number), st["cell_c"]), para(chunks[0], st["cell"]),
                     para(action.owner.name if action.owner else "未定", st["cell_c"]),
                     para(f"{action.deadline:%Y-%m-%d}", st["cell_c"]),
                     para(f"{problem.number}\n（{origin}）", st["cell_c"])])
        for chunk in chunks[1:]:
            rows.append(["", para(chunk, st["cell"]), "", "", ""])
    return Table(rows, colWidths=ACTION_WIDTHS, repeatRows=1, style=TableStyle(cmds))


def _sign_table(m: Meeting, st: dict, boxes: dict) -> Table:
    head = [para(h, st["head"]) for h in ("序号", "姓名", "单位／职务", "类别", "签到情况", "签名")]
    rows: list[list] = [head]
    heights: list[float | None] = [None]
    sign_w = SIGN_WIDTHS[-1] - 8
    note = "见签到表扫描件" if m.scans else ""
    for number, a in enumerate(m.attendees, start=1):
        if a.signature_png:
            sign: object = SignatureImage(a.signature_png, sign_w, SIGN_ROW_H - 4, a.id, boxes)
        elif a.status in (Attendance.PRESENT, Attendance.LATE):
            sign = para(note or "（未留签名）", st["small"])
        else:
            sign = para("—", st["cell_c"])
        cells = [para(str(number), st["cell_c"]), para(a.name, st["cell"]),
                 para(_who(a), st["cell"]), para("应到" if a.expected else "列席", st["cell_c"]),
                 para(_status_text(a, m.held_on), st["cell"]), sign]
        rows.append(cells)
        heights.append(max(SIGN_ROW_H, _row_height(cells, SIGN_WIDTHS)))
    if len(rows) == 1:
        rows.append([para("（签到名单为空）", st["cell"]), "", "", "", "", ""])
        heights.append(None)
    style = _grid([("SPAN", (0, 1), (-1, 1))] if len(m.attendees) == 0 else [], head_rows=1)
    return Table(rows, colWidths=SIGN_WIDTHS, rowHeights=heights, repeatRows=1, style=style)


_DIGITS = "零一二三四五六七八九"


def _cn(n: int) -> str:
    """1 → 一, 12 → 十二, 30 → 三十 (agenda items number at most 30)."""
    if n < 10:
        return _DIGITS[n]
    tens, ones = divmod(n, 10)
    return (_DIGITS[tens] if tens > 1 else "") + "十" + (_DIGITS[ones] if ones else "")


__all__ = ["PdfReport", "minutes_pdf", "sign_in_sheet_pdf"]
