"""The dashboard's charts (QtCharts, from PySide6-Addons), built from a Bulletin's plain values."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCharts import (QBarCategoryAxis, QBarSeries, QBarSet, QCategoryAxis, QChart,
                              QHorizontalBarSeries, QLineSeries, QValueAxis)
from PySide6.QtCore import QMargins, Qt
from PySide6.QtGui import QColor, QFont, QPen

from app.services.bulletin import Bulletin, TeamFigures

BLUE, GREEN, ORANGE = QColor("#2e86c1"), QColor("#28b463"), QColor("#e67e22")


def percent(part: int, whole: int) -> float:
    return round(min(100.0, 100 * part / whole), 1) if whole else 0.0


VERTICAL_UP_TO = 8   # more teams: horizontal bars, names one under another
SHOWN_AT_MOST = 10   # more teams than this: the best and the last five (the bulletin has all)


def short(team: str) -> str:
    """"白溪村、莲溜村驻点团队" → "白溪村、莲溜村": the team's own name on an axis (not one of
    its villages: two teams serving the same village would read alike)."""
    return team.removesuffix("驻点团队").removesuffix("团队") or team


def top_and_bottom(rows: Sequence[TeamFigures], shown: int = SHOWN_AT_MOST
                   ) -> list[TeamFigures]:
    """All teams when few; else the ``shown // 2`` best and worst by the share of households
    visited, best first."""
    ranked = sorted(rows, key=lambda f: (-percent(f.households_visited, f.households), f.team))
    if len(ranked) <= shown:
        return ranked
    return ranked[:shown // 2] + ranked[-(shown - shown // 2):]


def _small(axis) -> None:  # type: ignore[no-untyped-def]
    font = QFont()
    font.setPointSize(8)
    axis.setLabelsFont(font)
    axis.setTruncateLabels(False)   # QtCharts would elide short names to "…"


def _chart(title: str) -> QChart:
    chart = QChart()
    chart.setTitle(title)
    font = QFont()
    font.setPointSize(11)
    font.setBold(True)
    chart.setTitleFont(font)
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
    chart.setMargins(QMargins(4, 4, 4, 4))
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    return chart


def team_bars(b: Bulletin, teams: Sequence[TeamFigures], scoped: bool = False) -> QChart:
    """Per team: households visited (at least the yearly visits, % of its households) and
    problems solved (% of those raised in the month); a team-scoped user also sees the town."""
    rows = list(teams)
    many = len(rows) > VERTICAL_UP_TO
    cut = len(rows) > SHOWN_AT_MOST
    if many:
        rows = top_and_bottom(rows)
    if scoped:
        rows.append(b.totals)
    visited = QBarSet("走访达标户 %")
    visited.setColor(BLUE)
    solved = QBarSet("问题办结 %")
    solved.setColor(GREEN)
    for f in rows:
        visited.append(percent(f.households_visited, f.households))
        solved.append(percent(f.problems_solved, f.problems_raised))
    series = QHorizontalBarSeries() if many else QBarSeries()
    series.append(visited)
    series.append(solved)
    series.setLabelsVisible(len(rows) <= 3)
    series.setLabelsFormat("@value%")
    # Short enough not to be clipped in a third of a 1366 px window; the year is in the tooltip.
    title = f"{b.month} 月各团队走访与办结"
    chart = _chart(title + ("（前五与后五）" if cut else ""))
    chart.addSeries(series)
    names = [("全镇" if f.team_id == 0 else short(f.team)) for f in rows]
    axis_x = QBarCategoryAxis()
    axis_x.append(list(reversed(names)) if many else names)
    _small(axis_x)
    if len(rows) > 6 and not many:   # level names would overlap; QtCharts hides those that do
        axis_x.setLabelsAngle(-40)
    axis_y = QValueAxis()
    axis_y.setRange(0, 100)
    axis_y.setLabelFormat("%d%%")
    axis_y.setTickCount(6)
    _small(axis_y)
    if many:   # best at the top: a horizontal series draws its first category at the bottom
        for bar_set in (visited, solved):
            values = [bar_set.at(i) for i in range(bar_set.count())]
            bar_set.remove(0, bar_set.count())
            bar_set.append(list(reversed(values)))
        chart.addAxis(axis_x, Qt.AlignmentFlag.AlignLeft)
        chart.addAxis(axis_y, Qt.AlignmentFlag.AlignBottom)
    else:
        chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
    series.attachAxis(axis_x)
    series.attachAxis(axis_y)
    return chart


def trend_lines(b: Bulletin) -> QChart:
    """The town's twelve months up to the bulletin's: sessions held, problems raised, solved."""
    first, last = b.trend[0], b.trend[-1]
    chart = _chart(f"全镇驻点与问题（{first.month}—{last.month} 月）")
    lines = (("驻点次数", "sessions_held", BLUE), ("收集问题", "problems_raised", ORANGE),
             ("办结问题", "problems_solved", GREEN))
    axis_x = QCategoryAxis()   # one label on each month's point, with room at both ends
    axis_x.setLabelsPosition(QCategoryAxis.AxisLabelsPosition.AxisLabelsPositionOnValue)
    for n, point in enumerate(b.trend):
        axis_x.append(f"{point.month}月", n)
    axis_x.setRange(-0.5, len(b.trend) - 0.5)
    axis_x.setGridLineVisible(False)
    _small(axis_x)
    axis_x.setLabelsAngle(-40)
    axis_y = QValueAxis()
    top = max([1] + [getattr(p, key) for p in b.trend for _t, key, _c in lines])
    axis_y.setRange(0, _nice(top))
    axis_y.setLabelFormat("%d")
    axis_y.setTickCount(6)
    chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
    chart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
    for title, key, color in lines:
        series = QLineSeries()
        series.setName(title)
        series.setPointsVisible(True)
        series.setPen(QPen(color, 2))
        series.setColor(color)
        for n, point in enumerate(b.trend):
            series.append(n, getattr(point, key))
        chart.addSeries(series)
        series.attachAxis(axis_x)
        series.attachAxis(axis_y)
    return chart


def _nice(top: float) -> int:
    """A round upper bound a little above ``top`` that divides into five ticks."""
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000):
        if step * 5 >= top * 1.05:
            return step * 5
    return int(top * 1.2)
