"""The monthly spot-check report (驻点直联抽查督查情况通报) for the party-committee meeting.

A red-header document of GB/T 9704-2012 (app/documents/pdf_official.py: the issuing organ, the
document number or 征求意见稿 until it is issued, the organ and 成文日期 at the end, the 版记,
page numbers "— 1 —"), then: the month at a glance; the ledger checks
(team, notice / due / received dates, late or not, score, each failed item with the evidence
the records held and the checker's notes); the field patrols (villages, cadres found at work,
on leave, absent, going through the motions); the meeting supervisions (the four answers); the
findings of the month (severity, requirement, deadline); what was rectified (re-checks of the
month with their notes); what is still open (every finding not yet closed, overdue ones in bold
red); and the corrections made to reported records. Every figure is read from the records.

"Still open" is as of the month's last day (or today, for the month still running): a finding
closed after that day is still listed, one found after it is not.

Issuing (:func:`issue_check_report_pdf`) numbers and dates the month's report and keeps the
PDF; from then on every print of that month is the issued PDF (app/services/issued_documents.py).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, Spacer
from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from app import audit
from app.auth import Permission, require
from app.documents.pdf import RED, day_text, para, short_day, styles
from app.documents.pdf_official import (LINE, OFFICIAL_FRAME_W, OFFICIAL_MARGINS, Imprint,
                                        Letterhead, OfficialHead, Signature, official_footer)
from app.documents.pdf_pages import BoldText, Title, build
from app.documents.pdf_tables import table, warn_row
from app.errors import ValidationError
from app.models import (CheckAmendment, CheckKind, DocumentKind, FieldPatrol, Finding,
                        FindingStatus, ItemResult, LedgerCheck, Meeting, MeetingSupervision,
                        PatrolSighting, Severity, Whereabouts)
from app.services import issued_documents
from app.services.spot_checks import score

KIND = DocumentKind.CHECK_REPORT

_CN = "一二三四五六七八九十"


@dataclass(frozen=True)
class ReportResult:
    path: Path
    pages: int
    checks: int
    patrols: int
    supervisions: int
    found: int          # findings of the month
    rechecked: int      # re-checks of the month
    still_open: int     # not closed as of the month's end
    overdue: int
    number: str | None = None     # 发文字号 (None: a draft, 征求意见稿)
    dated: date | None = None     # 成文日期
    reprint: bool = False         # the issued PDF, written again


def month_span(year: int, month: int) -> tuple[date, date]:
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        raise ValidationError(f"月份 {year}-{month:02d} 不正确，请写成“年-月”，如 2026-03。",
                              "month")
    first = date(year, month, 1)
    nxt = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return first, nxt - timedelta(days=1)


def title_of(year: int, month: int) -> str:
    return f"{year}年{month}月驻点直联抽查督查情况通报"


def check_report_pdf(session: Session, year: int, month: int, out: Path,
                     today: date | None = None, dated: date | None = None) -> ReportResult:
    """The month's report: the issued PDF if it has been issued, else a draft (征求意见稿)
    dated ``dated`` (default: today)."""
    require(session, Permission.RUN_SPOT_CHECKS)
    data, as_of, today = _month_data(session, year, month, today)
    issued = issued_documents.find_issued(session, KIND, year, month)
    if issued is not None:
        issued_documents.reprint(session, issued, out)
        return _result(Path(out), issued.pages, data, as_of, issued_documents.number_text(issued),
                       issued.dated, reprint=True)
    head = issued_documents.draft_letterhead(session, dated or today)
    out = Path(out)
    pages = build(_story(data, year, month, as_of, head), out,
                  title=head.organ + title_of(year, month), margins=OFFICIAL_MARGINS,
                  footer=official_footer(head))
    audit.record(session, "export", "ledger_check", None,
                 f"导出{year}年{month}月抽查督查情况通报：{out.name}（征求意见稿，{pages} 页）")
    return _result(out, pages, data, as_of, None, head.dated)


def issue_check_report_pdf(session: Session, year: int, month: int, out: Path,
                           dated: date | None = None, today: date | None = None
                           ) -> ReportResult:
    """Issue (印发) the month's report: number it, date it ``dated`` (default: today), keep the
    PDF and write it to ``out``. Issued before: that one is written, unchanged."""
    require(session, Permission.RUN_SPOT_CHECKS)
    data, as_of, today = _month_data(session, year, month, today)

    def render(head: Letterhead) -> tuple[bytes, int]:
        buffer = io.BytesIO()
        pages = build(_story(data, year, month, as_of, head), buffer,
                      title=head.organ + title_of(year, month), margins=OFFICIAL_MARGINS,
                      footer=official_footer(head))
        return buffer.getvalue(), pages

    issued = issued_documents.issue(session, KIND, year, month, title_of(year, month), render,
                                    dated=dated, today=today)
    doc = issued.document
    issued_documents.reprint(session, doc, out)
    return _result(Path(out), doc.pages, data, as_of, issued.number, doc.dated,
                   reprint=issued.already)


def _month_data(session: Session, year: int, month: int, today: date | None
                ) -> tuple["_Data", date, date]:
    first, last = month_span(year, month)
    today = today or date.today()
    if first > today:
        raise ValidationError(f"{year}年{month}月还没有到，不能出具这个月的通报。", "month")
    as_of = min(last, today)
    return _gather(session, first, last, as_of), as_of, today


def _result(out: Path, pages: int, data: "_Data", as_of: date, number: str | None,
            dated: date | None, reprint: bool = False) -> ReportResult:
    return ReportResult(out, pages, len(data.checks), len(data.patrols), len(data.supervisions),
                        len(data.found), len(data.rechecked), len(data.still_open),
                        sum(1 for f in data.still_open if _overdue(f, as_of)), number, dated,
                        reprint)


def _story(data: "_Data", year: int, month: int, as_of: date, head: Letterhead
           ) -> list[Flowable]:
    st = styles()
    # Headings are kept off a page's foot by CondPageBreak, not keepWithNext: that would
    # move a heading and its whole table to the next page when the table does not fit.
    st["section"] = ParagraphStyle("check_section", parent=st["section"], keepWithNext=0)
    story: list[Flowable] = [
        OfficialHead(head), Spacer(1, 2 * LINE - 22), Title(title_of(year, month), 22, 4),
        para(f"（供党委会研究；统计截至{day_text(as_of)}）", st["subtitle"]),
        Spacer(1, 3 * mm)]
    story += _overview(data, st, year, month, as_of)
    story += _ledger_section(data, st, as_of)
    story += _patrol_section(data, st)
    story += _supervision_section(data, st)
    story += _found_section(data, st)
    story += _rectified_section(data, st)
    story += _open_section(data, st, as_of)
    story += _amendment_section(data, st)
    story += [Signature(head.organ, head.dated), Imprint(head)]
    return story


def _table(head: list[str], rows: list, widths_mm: list[float], st: dict,
           extra: list | tuple = (), whole: tuple[int, ...] = ()) -> Flowable:
    """A table across the official page's type area; ``whole`` columns (dates) on one line."""
    return table(head, rows, widths_mm, st, extra, frame_w=OFFICIAL_FRAME_W, whole=whole)


# --- the records ---------------------------------------------------------------------------

@dataclass
class _Data:
    checks: list[LedgerCheck]
    patrols: list[FieldPatrol]
    supervisions: list[MeetingSupervision]
    found: list[Finding]
    rechecked: list[Finding]
    still_open: list[Finding]
    amendments: list[CheckAmendment]
    findings_by_id: dict[int, Finding]


def _gather(session: Session, first: date, last: date, as_of: date) -> _Data:
    checks = list(session.scalars(
        select(LedgerCheck).where(LedgerCheck.year == first.year,
                                  LedgerCheck.month == first.month)
        .options(selectinload(LedgerCheck.items), selectinload(LedgerCheck.findings),
                 selectinload(LedgerCheck.team))))
    checks.sort(key=lambda c: (c.kind != CheckKind.MONTHLY, c.team.name, c.id))
    patrols = list(session.scalars(
        select(FieldPatrol).where(FieldPatrol.patrol_on.between(first, last))
        .options(selectinload(FieldPatrol.communities),
                 selectinload(FieldPatrol.sightings).selectinload(PatrolSighting.person),
                 selectinload(FieldPatrol.sightings).selectinload(PatrolSighting.team),
                 selectinload(FieldPatrol.sightings).selectinload(PatrolSighting.community))
        .order_by(FieldPatrol.patrol_on, FieldPatrol.id)))
    supervisions = list(session.scalars(
        select(MeetingSupervision).where(MeetingSupervision.supervised_on.between(first, last))
        .options(selectinload(MeetingSupervision.meeting).selectinload(Meeting.teams),
                 selectinload(MeetingSupervision.findings))
        .order_by(MeetingSupervision.supervised_on, MeetingSupervision.id)))
    findings = list(session.scalars(
        select(Finding).where(Finding.found_on <= as_of, or_(
            Finding.found_on >= first, Finding.status != FindingStatus.CLOSED,
            Finding.recheck_on >= first))
        .options(selectinload(Finding.team), selectinload(Finding.person))
        .order_by(Finding.found_on, Finding.id)))
    found = [f for f in findings if first <= f.found_on <= last]
    rechecked = [f for f in findings
                 if f.recheck_on is not None and first <= f.recheck_on <= last]
    rechecked.sort(key=lambda f: (f.recheck_on, f.id))
    still_open = [f for f in findings if _state(f, as_of) != "closed"]
    by_id = {f.id: f for f in findings}
    amendments = list(session.scalars(
        select(CheckAmendment).where(or_(
            (CheckAmendment.at >= datetime.combine(first, time.min))
            & (CheckAmendment.at < datetime.combine(last + timedelta(days=1), time.min)),
            (CheckAmendment.entity == "finding")
            & CheckAmendment.entity_id.in_([f.id for f in found] or [-1])))
        .order_by(CheckAmendment.at, CheckAmendment.id)))
    amendments = [a for a in amendments if a.at.date() <= last or
                  (a.entity == "finding" and a.entity_id in {f.id for f in found})]
    missing = {a.entity_id for a in amendments if a.entity == "finding"} - set(by_id)
    if missing:
        for f in session.scalars(select(Finding).where(Finding.id.in_(missing))
                                 .options(selectinload(Finding.team),
                                          selectinload(Finding.person))):
            by_id[f.id] = f
    return _Data(checks, patrols, supervisions, found, rechecked, still_open, amendments, by_id)


def _state(f: Finding, as_of: date) -> str:
    """"closed", "responded" (waiting for the re-check) or "open", as of ``as_of``."""
    if f.status == FindingStatus.CLOSED and f.recheck_on is not None and f.recheck_on <= as_of:
        return "closed"
    if f.status != FindingStatus.OPEN and f.responded_on is not None and f.responded_on <= as_of:
        return "responded"
    return "open"


def _overdue(f: Finding, as_of: date) -> bool:
    return _state(f, as_of) == "open" and f.deadline < as_of


def _who(f: Finding) -> str:
    if f.person is not None:
        return f"{f.person.name}（{f.team.name}）" if f.team else f.person.name
    return f.team.name if f.team else "—"


# --- sections ------------------------------------------------------------------------------

def _overview(d: _Data, st: dict, year: int, month: int, as_of: date) -> list[Flowable]:
    kinds = {c.kind for c in d.checks}
    teams = "、".join(c.team.name for c in d.checks)
    if not d.checks:
        ledger = "本月未开展台账资料抽查"
    elif CheckKind.FULL in kinds:
        ledger = f"对全部 {len(d.checks)} 个驻点团队开展台账资料全面检查"
    else:
        ledger = f"抽取{teams}开展台账资料抽查"
    severities = {s: sum(1 for f in d.found if f.severity == s) for s in Severity}
    sev_text = "，".join(f"{s.label} {n} 个" for s, n in severities.items() if n)
    closed = sum(1 for f in d.rechecked if f.recheck_passed)
    overdue = sum(1 for f in d.still_open if _overdue(f, as_of))
    absent = sum(1 for p in d.patrols for s in p.sightings if s.whereabouts == Whereabouts.ABSENT)
    perf = sum(1 for p in d.patrols for s in p.sightings
               if s.whereabouts == Whereabouts.PERFUNCTORY)
    text = (f"{year}年{month}月，{ledger}；开展下乡情况巡查 {len(d.patrols)} 次"
            + (f"（发现缺岗 {absent} 人次、走过场 {perf} 人次）" if d.patrols else "")
            + f"；开展会议情况督查 {len(d.supervisions)} 次。本月发现问题 {len(d.found)} 个"
            + (f"（{sev_text}）" if sev_text else "")
            + f"；核查整改 {len(d.rechecked)} 个，其中核查通过销号 {closed} 个。"
            + f"截至{day_text(as_of)}，尚未整改到位的问题 {len(d.still_open)} 个"
            + (f"，其中超过整改期限 {overdue} 个，请相关团队抓紧整改。" if overdue else "。"))
    unreported = (sum(1 for c in d.checks if not c.reported)
                  + sum(1 for p in d.patrols if not p.reported)
                  + sum(1 for s in d.supervisions if not s.reported))
    out: list[Flowable] = [*_section("一、总体情况", st), para(text, st["indent"])]
    if unreported:
        out.append(para(f"注：本月有 {unreported} 项督查尚未上报，其结果以上报为准。",
                        st["small"]))
    return out


def _ledger_section(d: _Data, st: dict, as_of: date) -> list[Flowable]:
    out: list[Flowable] = [*_section("二、台账资料抽查", st)]
    if not d.checks:
        return out + [para("本月未开展台账资料抽查。", st["indent"])]
    monthly = [c for c in d.checks if c.kind == CheckKind.MONTHLY and c.seed]
    if monthly:
        c = monthly[0]
        out.append(para(
            f"抽取方式：按最久未被抽查的团队优先、同等条件下以随机种子抽签确定。本月种子“{c.seed}”，"
            "以同一种子重新抽签，结果相同，可供复核。", st["small"]))
        out.append(Spacer(1, 1.5 * mm))
    rows = []
    late_cells: list[tuple] = []
    for n, c in enumerate(d.checks, start=1):
        passed, total = score(c)
        judged = all(i.result is not None for i in c.items)
        late = c.is_late(as_of)
        if c.received_on is not None:
            late_text = f"逾期 {(c.received_on - c.due_on).days} 天" if late else "按时"
        else:
            late_text = "逾期未报" if late else "未到期"
        rows.append([str(n), c.team.name, c.kind.label, short_day(c.notice_on),
                     short_day(c.due_on), short_day(c.received_on),
                     BoldText(late_text, 9.5) if late else late_text,
                     f"{passed}/{total}" if judged else f"{passed}/{total}（未完）",
                     str(len(c.findings))])
        if late:
            late_cells.append(("TEXTCOLOR", (6, n), (6, n), RED))
    out.append(_table(["序号", "驻点团队", "类别", "通知日期", "应报日期", "报送日期", "是否逾期",
                       "得分", "问题"], rows, [10, 27, 15, 20, 20, 20, 17, 16, 0], st,
                      late_cells, whole=(3, 4, 5)))
    for n, c in enumerate(d.checks, start=1):
        out.append(CondPageBreak(35 * mm))
        out.append(para(f"（{_cn(n)}）{c.team.name}（{c.kind.label}）", st["item"]))
        passed, total = score(c)
        facts = [f"检查期间：{short_day(c.period_start)} 至 {short_day(c.period_end)}",
                 f"检查人：{c.checker or '—'}", f"检查日期：{short_day(c.checked_on)}",
                 f"得分：{passed}/{total}"]
        if not c.reported:
            facts.append("尚未上报")
        out.append(para("；".join(facts) + "。", st["body"]))
        if c.summary:
            out.append(para(c.summary, st["body"], prefix="检查意见："))
        failed = [i for i in c.items if i.result == ItemResult.FAIL]
        pending = [i for i in c.items if i.result is None]
        if failed:
            out.append(Spacer(1, 1 * mm))
            out.append(_table(["不合格项目", "分值", "系统核对情况", "检查说明"],
                              [[i.name, str(i.points), i.evidence or "—", i.notes or "—"]
                               for i in failed], [28, 12, 70, 0], st))
        elif not pending:
            out.append(para("各项均合格。", st["body"]))
        if pending:
            out.append(para("尚无结论的项目：" + "、".join(i.name for i in pending),
                            st["small"]))
    return out


def _patrol_section(d: _Data, st: dict) -> list[Flowable]:
    out: list[Flowable] = [*_section("三、下乡情况巡查", st)]
    if not d.patrols:
        return out + [para("本月未开展下乡情况巡查。", st["indent"])]
    for n, p in enumerate(d.patrols, start=1):
        counts = {w: [s for s in p.sightings if s.whereabouts == w] for w in Whereabouts}
        places = "、".join(c.name for c in p.communities)
        block: list[Flowable] = [
            para(f"（{_cn(n)}）{day_text(p.patrol_on, weekday=True)} "
                 f"{p.start_time:%H:%M}—{p.end_time:%H:%M}，巡查{places}", st["item"]),
            para(f"巡查人员：{p.checkers or '—'}。应在岗 {len(p.sightings)} 人：在岗 "
                 f"{len(counts[Whereabouts.AT_WORK])} 人，请假或公务 "
                 f"{len(counts[Whereabouts.EXCUSED])} 人，缺岗 {len(counts[Whereabouts.ABSENT])} 人，"
                 f"走过场 {len(counts[Whereabouts.PERFUNCTORY])} 人"
                 + (f"，未登记 {sum(1 for s in p.sightings if s.whereabouts is None)} 人"
                    if any(s.whereabouts is None for s in p.sightings) else "")
                 + ("。" if p.reported else "（尚未上报）。"), st["body"])]
        if counts[Whereabouts.AT_WORK]:
            block.append(para("、".join(s.person.name for s in counts[Whereabouts.AT_WORK]),
                              st["body"], prefix="在岗："))
        out.append(KeepTogether(block))
        others = [s for s in p.sightings if s.whereabouts not in (Whereabouts.AT_WORK,)]
        if others:
            rows = []
            for s in others:
                bad = s.whereabouts is not None and s.whereabouts.finding
                label = s.whereabouts.label if s.whereabouts else "未登记"
                cells = [s.person.name, s.team.name if s.team else "—",
                         s.community.name if s.community else "—",
                         BoldText(label, 10) if bad else label, s.note or "—"]
                rows.append(warn_row(cells, st) if bad else cells)
            out.append(Spacer(1, 1 * mm))
            out.append(_table(["姓名", "驻点团队", "村（社区）", "情况", "说明"], rows,
                              [20, 36, 28, 22, 0], st))
        if p.note:
            out.append(para(p.note, st["body"], prefix="巡查情况："))
    return out


def _yes_no(value: bool | None) -> object:
    if value is None:
        return "未答"
    return "是" if value else BoldText("否", 10)


def _supervision_section(d: _Data, st: dict) -> list[Flowable]:
    out: list[Flowable] = [*_section("四、会议情况督查", st)]
    if not d.supervisions:
        return out + [para("本月未开展会议情况督查。", st["indent"])]
    rows = []
    for n, s in enumerate(d.supervisions, start=1):
        m = s.meeting
        teams = "、".join(t.name for t in m.teams)
        shown = m.title if teams in m.title else f"{m.title}（{teams}）"
        rows.append([str(n), f"{short_day(m.held_on)} {shown}",
                     f"{short_day(s.supervised_on)}\n{s.supervisor or '—'}",
                     _yes_no(s.held_as_scheduled), _yes_no(s.minutes_complete),
                     _yes_no(s.sign_in_complete), _yes_no(s.signatures_match),
                     (s.note or "—") + ("" if s.reported else "（尚未上报）")])
    out.append(_table(["序号", "会议", "督查日期／督查人", "按时召开", "记录完整", "签到完整",
                       "签名相符", "督查意见"], rows, [10, 39, 24, 13, 13, 13, 13, 0], st))
    return out


def _found_section(d: _Data, st: dict) -> list[Flowable]:
    out: list[Flowable] = [*_section("五、本月发现的问题", st)]
    if not d.found:
        return out + [para("本月未发现问题。", st["indent"])]
    rows = []
    for n, f in enumerate(d.found, start=1):
        serious = f.severity != Severity.MINOR
        rows.append([str(n), _who(f), f.source.label,
                     BoldText(f.severity.label, 10) if serious else f.severity.label,
                     f.description, f.requirement or "—", short_day(f.deadline)])
    out.append(_table(["序号", "团队／干部", "来源", "程度", "发现的问题", "整改要求", "整改期限"],
                      rows, [10, 23, 15, 11, 45, 30, 0], st, whole=(6,)))
    return out


def _rectified_section(d: _Data, st: dict) -> list[Flowable]:
    out: list[Flowable] = [*_section("六、整改落实情况", st)]
    if not d.rechecked:
        return out + [para("本月没有核查整改的问题。", st["indent"])]
    rows = []
    for n, f in enumerate(d.rechecked, start=1):
        if f.recheck_passed:
            result: object = "通过，销号"
        else:
            result = BoldText(f"未通过，重新整改（期限 {short_day(f.deadline)}）", 9.5)
        rows.append([str(n), _who(f), f.description, f.response or "—",
                     short_day(f.recheck_on), result, f.recheck_note or "—"])
    out.append(_table(["序号", "团队／干部", "问题", "整改情况", "核查日期", "核查结果", "核查意见"],
                      rows, [10, 21, 32, 30, 21, 18, 0], st, whole=(4,)))
    return out


def _open_section(d: _Data, st: dict, as_of: date) -> list[Flowable]:
    out: list[Flowable] = [*_section(f"七、尚未整改到位的问题（截至{day_text(as_of)}）", st)]
    if not d.still_open:
        return out + [para("所有问题均已整改到位并核查销号。", st["indent"])]
    overdue = [f for f in d.still_open if _overdue(f, as_of)]
    if overdue:
        out.append(para(f"共 {len(d.still_open)} 个，其中超过整改期限 {len(overdue)} 个"
                        "（红色加粗），请相关团队于一周内说明原因并完成整改。", st["warn"]))
    rows = []
    ordered = sorted(d.still_open, key=lambda f: (not _overdue(f, as_of), f.deadline, f.id))
    for n, f in enumerate(ordered, start=1):
        if _overdue(f, as_of):
            rows.append([BoldText(str(n), 10), BoldText(short_day(f.found_on), 10),
                         BoldText(_who(f), 10), BoldText(f.description, 10),
                         BoldText(short_day(f.deadline), 10),
                         BoldText(f"超期 {(as_of - f.deadline).days} 天", 10)])
        else:
            text = "已整改，待核查" if _state(f, as_of) == "responded" else "整改中"
            rows.append([str(n), short_day(f.found_on), _who(f), f.description,
                         short_day(f.deadline), text])
    out.append(_table(["序号", "发现日期", "团队／干部", "问题", "整改期限", "状态"], rows,
                      [10, 21, 27, 58, 21, 0], st, whole=(1, 4)))
    return out


def _amendment_section(d: _Data, st: dict) -> list[Flowable]:
    if not d.amendments:
        return []
    out: list[Flowable] = [*_section("八、更正记录", st),
                           para("已上报的督查记录不直接改写；以下更正均保留原内容，供核查。",
                                st["small"]), Spacer(1, 1 * mm)]
    rows = []
    for n, a in enumerate(d.amendments, start=1):
        if a.entity == "finding" and a.entity_id in d.findings_by_id:
            f = d.findings_by_id[a.entity_id]
            target = f"督查问题：{_who(f)}，{_clip(f.description, 40)}"
        else:
            target = f"{a.entity} #{a.entity_id}"
        rows.append([str(n), f"{a.at:%Y-%m-%d %H:%M}\n{a.user_name}", target, a.what,
                     f"原：{a.before or '（空）'}\n改为：{a.after or '（空）'}", a.reason])
    out.append(_table(["序号", "时间／更正人", "更正对象", "项目", "原内容与更正", "原因"], rows,
                      [10, 25, 38, 16, 36, 0], st))
    return out


def _section(title: str, st: dict) -> list[Flowable]:
    """A section heading, never alone at the foot of a page."""
    return [CondPageBreak(45 * mm), para(title, st["section"])]


def _clip(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def _cn(n: int) -> str:
    if n <= 10:
        return _CN[n - 1]
    tens, ones = divmod(n, 10)
    return (_CN[tens - 1] if tens > 1 else "") + "十" + (_CN[ones - 1] if ones else "")


__all__ = ["ReportResult", "check_report_pdf", "issue_check_report_pdf", "month_span"]
