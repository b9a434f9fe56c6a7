"""The monthly bulletin (月通报) as an A4 PDF, from ``app.services.bulletin.bulletin``: a
red-header document of GB/T 9704-2012 (app/documents/pdf_official.py) — the issuing organ, the
document number (or 征求意见稿 until it is issued), the title and period, a summary of the town's
totals, the ranking in two tables (station work and visits; problems, spot checks and
submissions), bar charts per team (households visited % and problems solved %), the twelve
months' trend of sessions and problems, the 缺报 list named in red, how the score is made, the
organ and the date (成文日期, printed once), the 版记 and page numbers "— 1 —". Every figure is
the service's; nothing is computed here but percentages of its counts.

Issuing (:func:`issue_bulletin_pdf`) numbers and dates the month's bulletin and keeps the PDF;
from then on every print of that month (:func:`bulletin_pdf`, :func:`render_bulletin_pdf`) is the
issued PDF (app/services/issued_documents.py). Before that a print is a draft (征求意见稿).
"""

from __future__ import annotations

import io
from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing
from reportlab.graphics.widgets.markers import makeMarker
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, Spacer
from sqlalchemy.orm import Session

from app import audit
from app.documents import pdf_fonts as fonts
from app.documents.pdf import HEAD_FILL, RED, day_text, para, styles
from app.documents.pdf_official import (LINE, OFFICIAL_FRAME_W, OFFICIAL_MARGINS, Imprint,
                                        Letterhead, OfficialHead, Signature, official_footer)
from app.documents.pdf_pages import Title, build
from app.documents.pdf_tables import table
from app.models import DocumentKind
from app.services import deadlines, issued_documents
from app.services.bulletin import WEIGHTS, Bulletin, bulletin
from app.services.issued_documents import Issued

BLUE = colors.Color(0.16, 0.42, 0.72)
ORANGE = colors.Color(0.90, 0.49, 0.13)
GREEN = colors.Color(0.20, 0.60, 0.33)
AXIS = colors.Color(0.35, 0.35, 0.35)
CHART_TEAMS = 20   # at most this many teams a bar chart (a longer list is shared out evenly)


def percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def pct_text(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}%"


def short_name(team: str) -> str:
    """For chart labels: 石岗村驻点团队 → 石岗村."""
    for suffix in ("驻点直联团队", "驻点团队", "团队"):
        if team.endswith(suffix) and len(team) > len(suffix):
            return team[: -len(suffix)]
    return team


def submission_states(session: Session, b: Bulletin) -> dict[int, dict[str, list[str]]]:
    """Per team: the items received late and those missing (缺报), by name."""
    out: dict[int, dict[str, list[str]]] = defaultdict(lambda: {"late": [], "missing": []})
    for item in deadlines.calendar_for(session, b.year, b.month, today=b.as_of):
        if item.state == deadlines.ItemState.MISSING:
            out[item.team_id]["missing"].append(item.kind.label)
        elif item.state == deadlines.ItemState.LATE:
            out[item.team_id]["late"].append(item.kind.label)
    return out


def summary_text(b: Bulletin) -> str:
    """The town's totals in a paragraph (worded without “），”: reportlab would start a line
    with the comma)."""
    t = b.totals
    teams = len(b.teams)
    monthly = sum(1 for f in b.teams if f.monthly_meeting)
    text = (
        f"{b.year}年{b.month}月，全镇 {teams} 个驻点团队应驻点 {t.station_days} 次，实际驻点 "
        f"{t.sessions_held} 次，占 {pct_text(percent(t.sessions_held, t.station_days))}；"
        f"本年走访达标住户 {t.households_visited} 户，占 {t.households} 户的 "
        f"{pct_text(percent(t.households_visited, t.households))}；本月走访重点户 {t.key_visited} 户，"
        f"各团队月度目标合计 {t.key_target} 户，登记在册 {t.key_households} 户。"
        f"收集问题 {t.problems_raised} 个，办结 {t.problems_solved} 个，现场解决 {t.solved_on_site} 个，"
        f"现场解决率 {pct_text(percent(t.solved_on_site, t.problems_raised))}，月底超期未办结 "
        f"{t.overdue} 个。召开周会 {t.weekly_meetings_held} 次，应开 {t.weekly_meetings_expected} 次；"
        f"{monthly} 个团队参加月度汇报会。督查发现的问题尚未整改 {t.findings_open} 个，其中超期 "
        f"{t.findings_overdue} 个；本月整改销号 {t.findings_closed} 个。"
        f"上报材料按时报送 {t.submissions_on_time} 项、逾期报送 {t.submissions_late} 项、"
        f"缺报 {t.submissions_missing} 项。")
    if b.teams:
        top = "、".join(f.team for f in b.teams[:3])
        text += f"综合得分前列的是{top}"
        if len(b.teams) > 3:
            text += f"，排名末位的是{b.teams[-1].team}，得 {b.teams[-1].score:.1f} 分"
        text += "。"
    return text


# --- tables --------------------------------------------------------------------------------

def _work_rows(b: Bulletin) -> list[list[str]]:
    rows = []
    for f in (*b.teams, b.totals):
        rows.append([str(f.rank) if f.rank else "", f.team, f"{f.score:.1f}",
                     f"{f.sessions_held}/{f.station_days}",
                     f"{f.households_visited}/{f.households}",
                     pct_text(percent(f.households_visited, f.households)),
                     f"{f.key_visited}/{f.key_target}",
                     f"{f.weekly_meetings_held}/{f.weekly_meetings_expected}",
                     ("是" if f.monthly_meeting else "否") if f is not b.totals else
                     f"{sum(1 for x in b.teams if x.monthly_meeting)}/{len(b.teams)}"])
    return rows


def _problem_rows(b: Bulletin) -> list[list[str]]:
    rows = []
    for f in (*b.teams, b.totals):
        rows.append([str(f.rank) if f.rank else "", f.team, str(f.problems_raised),
                     str(f.problems_solved), str(f.solved_on_site),
                     pct_text(f.solved_on_site_percent), str(f.overdue),
                     f"{f.findings_open}（{f.findings_overdue}）", str(f.findings_closed),
                     str(f.submissions_on_time), str(f.submissions_late),
                     str(f.submissions_missing)])
    return rows


def _centred(rows: list[list[str]]) -> dict[tuple[int, int], str]:
    """Figures centred; the team's name (column 1) as ordinary text."""
    return {(r, c): "cell_c" for r, row in enumerate(rows) for c in range(len(row)) if c != 1}


def _tables(b: Bulletin, st: dict) -> list[Flowable]:
    last = len(b.teams) + 1
    bold_total = [("BACKGROUND", (0, last), (-1, last), HEAD_FILL)]
    work_rows = _work_rows(b)
    # figures such as 3690/5000 and 74.4% stay on one line (their columns widen if need be)
    work = table(["排名", "驻点团队", "得分", "驻点（实际/应驻）", "走访达标户／住户", "覆盖率",
                  "重点户（走访/目标）", "周会（召开/应开）", "月度会议"], work_rows,
                 [9, 32, 12, 18, 22, 14, 18, 17, 0], st, bold_total, frame_w=OFFICIAL_FRAME_W,
                 styles_for=_centred(work_rows), whole=(2, 3, 4, 5, 6, 7))
    problem_rows = _problem_rows(b)
    problems = table(["排名", "驻点团队", "收集问题", "办结", "现场解决", "现场解决率", "超期未办结",
                      "督查未整改（超期）", "本月整改", "按时报送", "逾期报送", "缺报"],
                     problem_rows, [9, 27, 11, 10, 11, 13, 12, 15, 11, 11, 11, 0], st,
                     bold_total, frame_w=OFFICIAL_FRAME_W, styles_for=_centred(problem_rows),
                     whole=(5,))
    # sub-headings kept off a page's foot by CondPageBreak: keepWithNext would carry the
    # whole table (40 teams) to the next page with them
    return [CondPageBreak(50 * mm), para("（一）驻点与走访", st["sub"]), work, Spacer(1, 4 * mm),
            CondPageBreak(50 * mm), para("（二）问题办理、督查整改与资料报送", st["sub"]), problems]


# --- charts --------------------------------------------------------------------------------

def _legend(x: float, y: float, pairs: Sequence[tuple[colors.Color, str]]) -> Legend:
    legend = Legend()
    legend.x, legend.y = x, y
    legend.alignment = "right"
    legend.columnMaximum = 1
    legend.deltax = 85
    legend.fontName = fonts.PRIMARY
    legend.fontSize = 9
    legend.boxAnchor = "nw"
    legend.dx = legend.dy = 8
    legend.colorNamePairs = list(pairs)
    legend.strokeWidth = 0
    return legend


def _fitted(legend: Legend, width: float) -> Legend:
    """``legend`` moved left as far as needed (not past the edge) to end within ``width``."""
    x0, _y0, x1, _y1 = legend.getBounds()
    if x1 > width:
        legend.x -= min(x1 - width, x0)
    return legend


LABEL_SIZE = 8.5
LABEL_MIN, LABEL_MAX = 24 * mm, 48 * mm   # the column of team names beside the bars


def chart_label(text: str, room: float, size: float = LABEL_SIZE) -> str:
    """``text`` cut with … to fit ``room`` points at ``size`` (a chart label never runs
    into the axis or off the page)."""
    if fonts.width(text, size) <= room:
        return text
    while text and fonts.width(text + "…", size) > room:
        text = text[:-1]
    return text + "…"


def team_charts(b: Bulletin, width: float = OFFICIAL_FRAME_W) -> list[Drawing]:
    """Households visited % and problems solved % per team, in ranking order, as horizontal
    grouped bars labelled with the team's name (rank first, 团队 left off; a name too long
    for the label column cut with …); CHART_TEAMS teams to a chart, so 40 teams make two.
    The category axis has no ticks: nothing crosses a label."""
    charts = []
    teams = list(b.teams)
    size = -(-len(teams) // -(-len(teams) // CHART_TEAMS)) if teams else 1
    names = [f"{f.rank}. {short_name(f.team)}" for f in teams]
    label_w = min(LABEL_MAX, max([LABEL_MIN] + [fonts.width(n, LABEL_SIZE) + 5 * mm
                                               for n in names]))
    for start in range(0, len(teams), size):
        chunk = teams[start:start + size]
        rows = len(chunk)
        plot_h = rows * 8.5 * mm
        height = plot_h + 22 * mm
        d = Drawing(width, height)
        chart = HorizontalBarChart()
        chart.x, chart.y = label_w, 12 * mm
        chart.width, chart.height = width - label_w - 12 * mm, plot_h
        # categories are drawn bottom up: reversed, so the first in the ranking is on top;
        # within a team the first series is the lower bar: coverage (blue) above, as listed
        ordered = list(reversed(chunk))
        visited = [percent(f.households_visited, f.households) or 0 for f in ordered]
        solved = [min(100.0, percent(f.problems_solved, f.problems_raised) or 0)
                  for f in ordered]
        chart.data = [solved, visited]
        chart.categoryAxis.categoryNames = [
            chart_label(f"{f.rank}. {short_name(f.team)}", label_w - 4 * mm) for f in ordered]
        chart.categoryAxis.labels.fontName = fonts.PRIMARY
        chart.categoryAxis.labels.fontSize = LABEL_SIZE
        chart.categoryAxis.labels.boxAnchor = "e"
        chart.categoryAxis.labels.dx = -3
        chart.categoryAxis.tickLeft = 0
        chart.categoryAxis.strokeColor = AXIS
        chart.valueAxis.valueMin, chart.valueAxis.valueMax, chart.valueAxis.valueStep = 0, 100, 20
        chart.valueAxis.labels.fontName = fonts.PRIMARY
        chart.valueAxis.labels.fontSize = 8
        chart.valueAxis.labels.dy = -2
        chart.valueAxis.labelTextFormat = "%d%%"
        chart.valueAxis.strokeColor = AXIS
        chart.valueAxis.visibleGrid = True
        chart.valueAxis.gridStrokeColor = colors.Color(0.85, 0.85, 0.85)
        chart.bars[0].fillColor, chart.bars[1].fillColor = ORANGE, BLUE
        chart.bars.strokeColor = None
        chart.barSpacing = 0.5
        chart.groupSpacing = 3
        chart.barLabelFormat = "%.0f%%"
        chart.barLabels.fontName = fonts.PRIMARY
        chart.barLabels.fontSize = 7
        chart.barLabels.boxAnchor = "w"
        chart.barLabels.dx = 2
        d.add(chart)
        d.add(_fitted(_legend(chart.x, height - 2 * mm, [
            (BLUE, "住户走访覆盖率（本年达标户／住户）"),
            (ORANGE, "问题办结率（本月办结／收集，至多 100%）")]), width))
        charts.append(d)
    return charts


def month_label(year: int, month: int) -> str:
    """A month on the trend's axis: 10月 (the years are in the heading)."""
    return f"{month}月"


def trend_span(b: Bulletin) -> str:
    """The months the trend covers: 2025年11月至2026年10月."""
    first, last = b.trend[0], b.trend[-1]
    return f"{first.year}年{first.month}月至{last.year}年{last.month}月"


def trend_chart(b: Bulletin, width: float = OFFICIAL_FRAME_W) -> Drawing:
    """The twelve months up to the bulletin's: sessions held, problems raised and solved.
    Months are labelled 10月 (short enough for their place on the axis); the axis ticks fall
    between the labels."""
    height = 78 * mm
    d = Drawing(width, height)
    chart = HorizontalLineChart()
    chart.x, chart.y = 14 * mm, 12 * mm
    chart.width, chart.height = width - 20 * mm, height - 28 * mm
    points = list(b.trend)
    chart.data = [[p.sessions_held for p in points], [p.problems_raised for p in points],
                  [p.problems_solved for p in points]]
    chart.categoryAxis.categoryNames = [month_label(p.year, p.month) for p in points]
    chart.categoryAxis.labels.fontName = fonts.PRIMARY
    chart.categoryAxis.labels.fontSize = 8
    chart.categoryAxis.labels.dy = -3
    chart.categoryAxis.tickDown = 3
    chart.categoryAxis.strokeColor = AXIS
    top = max([max(series) for series in chart.data if series] + [4])
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = _nice(top)
    chart.valueAxis.valueStep = _nice(top) / 4
    chart.valueAxis.labels.fontName = fonts.PRIMARY
    chart.valueAxis.labels.fontSize = 8
    chart.valueAxis.labelTextFormat = "%d"
    chart.valueAxis.strokeColor = AXIS
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = colors.Color(0.85, 0.85, 0.85)
    chart.joinedLines = 1
    for i, color in enumerate((BLUE, ORANGE, GREEN)):
        chart.lines[i].strokeColor = color
        chart.lines[i].strokeWidth = 1.8
        chart.lines[i].symbol = makeMarker("FilledCircle")
        chart.lines[i].symbol.fillColor = color
        chart.lines[i].symbol.strokeColor = color
        chart.lines[i].symbol.size = 4
    d.add(chart)
    d.add(_legend(chart.x, height - 2 * mm, [(BLUE, "驻点次数"), (ORANGE, "收集问题"),
                                            (GREEN, "办结问题")]))
    return d


def _nice(top: float) -> int:
    """An axis maximum that divides into four round steps."""
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 2500, 5000, 10000):
        if step * 4 >= top:
            return step * 4
    step = 10 ** len(str(int(top)))
    return step * 4


# --- the document --------------------------------------------------------------------------

KIND = DocumentKind.BULLETIN


def title_of(year: int, month: int) -> str:
    return f"{year}年{month}月驻点直联工作情况通报"


def bulletin_pdf(session: Session, year: int, month: int, out: Path,
                 today: date | None = None, dated: date | None = None) -> Path:
    """The month's bulletin: the issued one if it has been issued, else a draft (征求意见稿)
    dated ``dated`` (default: today)."""
    b = bulletin(session, year, month, today=today)
    return render_bulletin_pdf(session, b, out, today=today, dated=dated)


def render_bulletin_pdf(session: Session, b: Bulletin, out: Path,
                        today: date | None = None, dated: date | None = None) -> Path:
    """``b`` as a PDF at ``out`` — or, if the month's bulletin has been issued, the issued
    PDF (a reprint keeps its number, its date and its figures)."""
    issued = issued_documents.find_issued(session, KIND, b.year, b.month)
    if issued is not None:
        return issued_documents.reprint(session, issued, out)
    head = issued_documents.draft_letterhead(session, dated or today or date.today())
    out = Path(out)
    pages = build(_story(session, b, head), out, title=head.organ + title_of(b.year, b.month),
                  **_page_kit(head))
    audit.record(session, "export", summary=f"导出{b.year}年{b.month}月通报 PDF：{out.name}"
                 f"（征求意见稿，{pages} 页）")
    return out


def issue_bulletin_pdf(session: Session, year: int, month: int, out: Path,
                       dated: date | None = None, today: date | None = None,
                       b: Bulletin | None = None) -> Issued:
    """Issue (印发) the month's bulletin (``b`` if already counted): number it, date it
    ``dated`` (default: today), keep the PDF and write it to ``out``. Issued before: that one
    is written, unchanged."""
    if b is None:
        b = bulletin(session, year, month, today=today)

    def render(head: Letterhead) -> tuple[bytes, int]:
        data = io.BytesIO()
        pages = build(_story(session, b, head), data,
                      title=head.organ + title_of(year, month), **_page_kit(head))
        return data.getvalue(), pages

    issued = issued_documents.issue(session, KIND, year, month, title_of(year, month), render,
                                    dated=dated, today=today)
    issued_documents.reprint(session, issued.document, out)
    return issued


def _page_kit(head: Letterhead) -> dict:
    return {"margins": OFFICIAL_MARGINS, "footer": official_footer(head)}


def _story(session: Session, b: Bulletin, head: Letterhead) -> list[Flowable]:
    st = styles()
    st["section"] = ParagraphStyle("b_section", parent=st["section"], keepWithNext=0)
    st["sub"] = ParagraphStyle("b_sub", parent=st["item"], keepWithNext=0)
    for name in ("cell", "cell_c", "cell_warn"):
        st[name] = ParagraphStyle(f"b_{name}", parent=st[name], fontSize=9, leading=12)
    st["head"] = ParagraphStyle("b_head", parent=st["head"], fontSize=9, leading=11.5)
    st["cell_c_warn"] = ParagraphStyle("b_cell_c_warn", parent=st["cell_c"], textColor=RED)
    story: list[Flowable] = [
        OfficialHead(head), Spacer(1, 2 * LINE - 22), Title(title_of(b.year, b.month), 22, 4),
        para(f"（统计期间：{b.year}年{b.month}月1日至{day_text(b.as_of)}）", st["subtitle"]),
        Spacer(1, 3 * mm),
        *_section("一、总体情况", st), para(summary_text(b), st["indent"]),
        *_section("二、各驻点团队情况及排名", st, 65 * mm),
        para("按综合得分排名；“走访达标户”为本年走访次数达到要求的住户，督查未整改括号内为超过整改期限的个数。",
             st["small"]), Spacer(1, 1.5 * mm)]
    story += _tables(b, st)
    charts = team_charts(b)
    first: list[Flowable] = [para("三、图表", st["section"]),
                             para("（一）各团队住户走访覆盖率与问题办结率", st["item"])]
    first.append(charts[0] if charts else para("本月没有驻点团队。", st["indent"]))
    story += [CondPageBreak(40 * mm), KeepTogether(first), *charts[1:]]
    story.append(KeepTogether([para(f"（二）近十二个月驻点与问题办理趋势（{trend_span(b)}）",
                                    st["item"]), trend_chart(b)]))
    story += _missing_section(session, b, st)
    story += _section("五、说明", st)
    story.append(para(
        f"综合得分满分 100 分：驻点次数 {WEIGHTS['sessions']} 分，住户走访 {WEIGHTS['households']} 分，"
        f"重点户走访 {WEIGHTS['key']} 分，问题办结 {WEIGHTS['problems']} 分，周会与月度会议 "
        f"{WEIGHTS['meetings']} 分，资料按时报送 {WEIGHTS['submissions']} 分；每个超期未办结问题和"
        "每个超期未整改的督查问题扣 1 分（最多扣 10 分）。各项数字均据各驻点团队登记和报送的工作记录"
        "统计，每个数字都有对应的记录可查。", st["indent"]))
    story += [Signature(head.organ, head.dated), Imprint(head)]
    return story


def _missing_section(session: Session, b: Bulletin, st: dict) -> list[Flowable]:
    out: list[Flowable] = [*_section("四、资料报送情况（缺报通报）", st)]
    states = submission_states(session, b)
    missing = [(f, states[f.team_id]["missing"]) for f in b.teams if f.submissions_missing]
    late = [(f, states[f.team_id]["late"]) for f in b.teams if f.submissions_late]
    if missing:
        out.append(para(f"截至{day_text(b.as_of)}，以下 {len(missing)} 个团队有资料未按期报送（缺报），"
                        "请于收到通报后三个工作日内补报：", st["warn"]))
        rows = [[para(f.team, st["cell_warn"]),
                 para("、".join(items) if items else f"{f.submissions_missing} 项",
                      st["cell_warn"]), para(str(f.submissions_missing), st["cell_c_warn"])]
                for f, items in missing]
        out.append(Spacer(1, 1.5 * mm))
        out.append(table(["驻点团队", "缺报的资料", "项数"], rows, [40, 100, 0], st,
                         frame_w=OFFICIAL_FRAME_W))
    else:
        out.append(para("本月各团队均已报送全部资料，无缺报。", st["indent"]))
    if late:
        out.append(Spacer(1, 1.5 * mm))
        out.append(para("逾期报送：" + "；".join(
            f"{f.team}（{'、'.join(items) if items else str(f.submissions_late) + ' 项'}）"
            for f, items in late) + "。", st["indent"]))
    return out


def _section(title: str, st: dict, room: float = 40 * mm) -> list[Flowable]:
    """A section heading, with at least ``room`` left under it on its page."""
    return [CondPageBreak(room), para(title, st["section"])]


__all__ = ["bulletin_pdf", "issue_bulletin_pdf", "render_bulletin_pdf", "summary_text",
           "team_charts", "trend_chart"]
