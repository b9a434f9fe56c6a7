"""A cadre's personal file (个人档案) for the annual assessment (年度考核), printed (PDF, A4
portrait) and exported (xlsx, A4 landscape, print-ready like the ledgers): who they are and the
teams they served in, the year's figures (patrols that expected them, absences and going through
the motions; meeting attendance; station sessions attended; visits made; problems they were
responsible for, closed and closed on time), each patrol, the findings about them and the
ledger-check findings of their teams. Everything comes from
``app.services.personal_files.personal_file``; each file made is recorded in the audit trail.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, Spacer, Table, TableStyle
from sqlalchemy.orm import Session

from app import audit
from app.documents.pdf import FRAME_W, INK, para, short_day, styles
from app.documents.pdf_pages import BoldText, Title, build
from app.documents.pdf_tables import key_values, table, warn_row
from app.files import save_whole
from app.documents.xlsx import A4_LANDSCAPE, Book, Column, Figure
from app.services.personal_files import FindingLine, PersonalFile, personal_file
from app.services.settings import get_settings

FLAGGED = ("缺岗", "走过场")


@dataclass(frozen=True)
class FileResult:
    path: Path
    pages: int          # PDF pages; 0 for the workbook
    file: PersonalFile


def figures(pf: PersonalFile) -> list[tuple[str, str]]:
    """The year's figures as (label, value) — the same lines in the PDF and the workbook."""
    count = {w: sum(1 for p in pf.patrols if p.whereabouts == w)
             for w in ("在岗", "缺岗", "走过场", "请假或公务")}
    rate = pf.attendance
    if rate is None or not rate.expected:
        meetings = "没有应参加的会议"
    else:
        meetings = (f"{rate.rate:g}%（应参加 {rate.expected} 次，出席 {rate.present} 次，迟到 "
                    f"{rate.late} 次，请假 {rate.on_leave} 次，缺席 {rate.absent} 次）")
    on_time = (f"{round(100 * pf.problems_on_time / pf.problems_closed, 1):g}%"
               if pf.problems_closed else "—")
    return [
        ("下乡巡查应在岗", f"{len(pf.patrols)} 次"),
        ("巡查在岗", f"{count['在岗']} 次"),
        ("巡查缺岗", f"{count['缺岗']} 次"),
        ("巡查走过场", f"{count['走过场']} 次"),
        ("请假或公务", f"{count['请假或公务']} 次"),
        ("会议出勤率", meetings),
        ("参加驻点接待", f"{pf.station_sessions} 次"),
        ("入户走访", f"{pf.visits} 次"),
        ("负责的问题", f"{pf.problems} 个"),
        ("已办结", f"{pf.problems_closed} 个"),
        ("按期办结", f"{pf.problems_on_time} 个"),
        ("按期办结率", on_time),
        ("个人督查问题", f"{len(pf.personal_findings)} 个"),
        ("团队抽查督查问题", f"{len(pf.team_findings)} 个"),
    ]


def _title(town: str, pf: PersonalFile) -> str:
    return f"{town}驻点直联工作个人档案（{pf.year}年度）"


# --- PDF -----------------------------------------------------------------------------------

def personal_file_pdf(session: Session, person_id: int, year: int, out: Path,
                      today: date | None = None) -> FileResult:
    pf = personal_file(session, person_id, year, today=today)
    town = get_settings(session).town_name or ""
    today = today or date.today()
    st = styles()
    story: list[Flowable] = [Title(_title(town, pf), 19, 2),
                             para(f"（{pf.year}年1月1日至12月31日，用于年度考核）", st["subtitle"]),
                             Spacer(1, 3 * mm)]
    story += _section("一、基本情况", st)
    story.append(key_values([("姓　　名", pf.name), ("年　　度", f"{pf.year}年"),
                             ("单　　位", pf.unit or "—"), ("职　　务", pf.position or "—"),
                             ("所在团队", "；".join(pf.teams) or "（本年度未在驻点团队）")], st))
    story += _section("二、主要数据", st)
    lines = figures(pf)
    story.append(key_values(lines, st, label_mm=34))
    story.append(Spacer(1, 1 * mm))
    story.append(para("数据均由系统根据巡查记录、会议签到、驻点日志、走访记录和问题台账统计，"
                      "不经人工填写。按期办结率＝按期办结数÷已办结数。", st["small"]))

    story += _section("三、下乡巡查情况", st)
    if not pf.patrols:
        story.append(para("本年度没有巡查到其驻点村（社区）的记录。", st["indent"]))
    else:
        rows = []
        for n, p in enumerate(pf.patrols, start=1):
            bad = p.whereabouts in FLAGGED
            cells = [str(n), short_day(p.on), p.place or "—",
                     BoldText(p.whereabouts, 10) if bad else p.whereabouts, p.note or "—"]
            rows.append(warn_row(cells, st) if bad else cells)
        story.append(table(["序号", "巡查日期", "村（社区）", "情况", "说明"], rows,
                           [12, 24, 34, 26, 0], st))

    story += _section("四、个人督查问题", st)
    story += _findings(pf.personal_findings, st, "本年度没有涉及本人的督查问题。", today)
    story += _section("五、所在团队台账抽查和会议督查问题", st)
    story += _findings(pf.team_findings, st, "本年度所在团队没有台账抽查或会议督查问题。", today)

    story += [Spacer(1, 12 * mm), _signatures(st)]
    out = Path(out)
    pages = build(story, out, title=_title(town, pf))
    audit.record(session, "export", "person", pf.person_id,
                 f"导出个人档案：{pf.name}（{pf.year}年度）→ {out.name}（{pages} 页）")
    return FileResult(out, pages, pf)


def _section(title: str, st: dict) -> list[Flowable]:
    return [CondPageBreak(40 * mm), para(title, st["section"])]


def _findings(lines: tuple[FindingLine, ...], st: dict, empty: str, today: date
              ) -> list[Flowable]:
    if not lines:
        return [para(empty, st["indent"])]
    rows = []
    for n, f in enumerate(lines, start=1):
        status: object = BoldText(f"{f.status}（超期）", 10) if f.overdue else f.status
        cells = [str(n), short_day(f.on), f"{f.team or '—'}\n{f.source}", f.severity,
                 f.description, status]
        rows.append(warn_row(cells, st) if f.overdue else cells)
    return [table(["序号", "发现日期", "团队／来源", "程度", "问题", "整改情况"], rows,
                  [12, 22, 34, 14, 66, 0], st)]


def _signatures(st: dict) -> Table:
    cells = [[para("本人确认（签名）：", st["body"]), "", para("组织办审核（盖章）：", st["body"]), ""],
             [para("日期：", st["body"]), "", para("日期：", st["body"]), ""]]
    return Table(cells, colWidths=[38 * mm, FRAME_W / 2 - 44 * mm, 42 * mm,
                                   FRAME_W / 2 - 36 * mm],
                 style=TableStyle([("LINEBELOW", (1, 0), (1, 1), 0.6, INK),
                                   ("LINEBELOW", (3, 0), (3, 1), 0.6, INK),
                                   ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                                   ("TOPPADDING", (0, 0), (-1, -1), 10)]))


# --- xlsx ----------------------------------------------------------------------------------

def personal_file_xlsx(session: Session, person_id: int, year: int, out: Path,
                       today: date | None = None) -> FileResult:
    """Four sheets, each with the title, a unit line and a header repeated on every printed
    page (A4 landscape, the columns fitted to its width): 概况 (the figures as numbers: counts
    shown as “3 次”, rates as percentages, the details beside them), 下乡巡查, 个人督查问题,
    团队督查问题. Overdue findings are marked “超期” in bold red."""
    pf = personal_file(session, person_id, year, today=today)
    town = get_settings(session).town_name or ""
    title = _title(town, pf)
    unit = f"{pf.unit or '—'}　　姓名：{pf.name}　　职务：{pf.position or '—'}"
    identity: list[list[object]] = [
        ["姓名", pf.name, ""], ["单位", pf.unit, ""], ["职务", pf.position, ""],
        ["所在团队", "；".join(pf.teams) or "（本年度未在驻点团队）", ""]]
    finding_columns = [Column("发现日期", 12), Column("驻点团队", 22), Column("来源", 12),
                       Column("严重程度", 9), Column("问题", 60), Column("整改情况", 14),
                       Column("超期", 6)]

    def finding_rows(lines: tuple[FindingLine, ...]) -> list[list[object]]:
        return [[short_day(f.on), f.team, f.source, f.severity, f.description, f.status,
                 "超期" if f.overdue else ""] for f in lines]

    sheets = [
        ("概况", [Column("项目", 22), Column("内容", 40), Column("说明", 60)],
         identity + [_figure_row(label, text) for label, text in figures(pf)], None),
        ("下乡巡查", [Column("巡查日期", 12), Column("村（社区）", 20), Column("情况", 12),
                  Column("说明", 60)],
         [[short_day(p.on), p.place, p.whereabouts, p.note] for p in pf.patrols], None),
        ("个人督查问题", finding_columns, finding_rows(pf.personal_findings), 6),
        ("团队督查问题", finding_columns, finding_rows(pf.team_findings), 6)]
    headings = {"团队督查问题": "所在团队台账抽查和会议督查问题"}
    book = Book()
    for name, columns, rows, alert_column in sheets:
        sheet = book.sheet(name, columns, A4_LANDSCAPE, rows=rows)
        sheet.title(f"{title}·{headings.get(name, name)}")
        sheet.line(f"单位：{unit}　　　时间：{pf.year}年1月1日至12月31日　　　共 {len(rows)} 条")
        sheet.header()
        sheet.body(rows, alerts=None if alert_column is None else
                   {alert_column: lambda _row, value: value == "超期"})
    out = Path(out)
    save_whole(book, out)
    audit.record(session, "export", "person", pf.person_id,
                 f"导出个人档案（xlsx）：{pf.name}（{pf.year}年度）→ {out.name}")
    return FileResult(out, 0, pf)


_COUNT = re.compile(r"(\d+) (次|个)")
_RATE = re.compile(r"(\d+(?:\.\d+)?)%(?:（(.*)）)?")


def _figure_row(label: str, text: str) -> list[object]:
    """A figure of ``figures`` as a number: “3 次” is 3 shown as “3 次”, “85.7%（应参加 7 次…）”
    is 0.857 shown as a percentage with the details in 说明; anything else stays text."""
    count = _COUNT.fullmatch(text)
    if count:
        return [label, Figure(int(count.group(1)), f'0" {count.group(2)}"'), ""]
    rate = _RATE.fullmatch(text)
    if rate:
        return [label, Figure(float(rate.group(1)) / 100, "0.0%"), rate.group(2) or ""]
    if text == "没有应参加的会议":
        return [label, "—", text]
    return [label, text, ""]


__all__ = ["FileResult", "figures", "personal_file_pdf", "personal_file_xlsx"]
