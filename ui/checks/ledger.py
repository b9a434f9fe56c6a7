"""台账抽查 tab: the ledger checks (one drawn team a month, every team in the full-check
months), 抽签, opening a check to fill the checklist with the evidence the records give,
登记问题 and 上报 (then read-only, findings corrected with 更正…), 复核抽签 (re-running the
recorded draw from its seed), and the monthly report (月度通报) as PDF — a draft
(征求意见稿) or, with 正式印发, issued: numbered, dated and kept, so every later print of the
month is the issued document."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDateEdit, QDialog, QDialogButtonBox,
                               QFileDialog, QFormLayout, QFrame, QGroupBox, QHBoxLayout, QLabel,
                               QScrollArea, QSplitter, QTableWidget, QTableWidgetItem,
                               QVBoxLayout, QWidget)

from app.errors import DomainError
from app.models import FindingSource, ItemResult
from app.services import spot_checks
from app.services.common import check_version
from app.services.spot_checks import Candidate, ItemInput
from ui import tasks
from ui.checks import data
from ui.checks.common import (RecordMessages, AmendDialog, CheckListTab, FindingDialog, FindingsBox, button,
                              headline, lock, text_box)
from ui.checks.data import CheckDetail, CheckListRow, DrawResult, FindingLine
from ui.context import AppContext
from ui.ledgers.model import Col
from ui.widgets.form import FormDialog
from ui.widgets.inputs import date_edit, date_of, line_edit
from ui.widgets import print_pdf as printing
from ui.widgets.messages import confirm, error, inform, saved_file
from ui.window_state import fit_to_screen

PDF_FILTER = "PDF 文件 (*.pdf)"
LOCKED_STYLE = ("color: #5d4037; background: #fff8e1; border: 1px solid #ffe082;"
                " border-radius: 4px; padding: 6px 8px;")
RESULTS = (("（未定）", None), ("合格", ItemResult.PASS), ("不合格", ItemResult.FAIL))


def ask_save_path(parent: QWidget, title: str, suggested: str) -> Path | None:
    """The save dialog (tests replace this function)."""
    name, _ = QFileDialog.getSaveFileName(parent, title, suggested, PDF_FILTER)
    if not name:
        return None
    path = Path(name)
    return path if path.suffix.lower() == ".pdf" else path.with_suffix(".pdf")


def report_writer() -> Any:
    """app.checks.report_pdf.check_report_pdf, or None when this build does not have it."""
    try:
        from app.checks.report_pdf import check_report_pdf
    except ImportError:
        return None
    return check_report_pdf


def month_edit(value: date, name: str) -> QDateEdit:
    edit = QDateEdit(QDate(value.year, value.month, 1))
    edit.setDisplayFormat("yyyy 年 MM 月")
    edit.setCalendarPopup(False)
    edit.setObjectName(name)
    return edit


class LedgerChecksTab(CheckListTab):
    NAME = "check"
    WHAT = "台账抽查"
    UNIT = "次抽查"
    SEARCH_HINT = "搜索团队、月份或随机种子…"
    COLUMNS = (
        Col("月份", lambda r: r.month, 95), Col("类型", lambda r: r.kind, 80),
        Col("团队", lambda r: r.team, 230), Col("通知日期", lambda r: r.notice_on, 90),
        Col("报送期限", lambda r: r.due_on, 90),
        Col("报送日期", lambda r: r.received_on or "未报送", 90),
        Col("逾期", lambda r: "逾期" if r.overdue else "", 50),
        Col("得分", lambda r: r.score, 70), Col("问题（未销号/总数）", lambda r: r.findings, 130),
        Col("已上报", lambda r: "已上报" if r.reported else "未上报", 70))

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.draw_button = button("drawCheck", "抽签…", self.draw,
                                  "抽取本月接受台账资料抽查的团队（全面检查月份为全部团队）")
        self.open_button = button("openCheck", "打开", self.open_selected,
                                  "填写选中抽查的检查结果（也可双击一行）")
        self.replay_button = button("replayDraw", "复核抽签", self.replay_selected,
                                    "用记录的随机种子和候选团队重新抽一次，看是否抽中同一个团队")
        self.report_button = button("checkReportPdf", "月度通报 PDF…", self.export_report,
                                    "生成某月抽查督查情况通报（PDF），供党委会使用")
        for b in (self.draw_button, self.open_button, self.replay_button):
            self.buttons.addWidget(b)
        self.print_report_button = button("checkReportPrint", "打印月度通报…", self.print_report,
                                          "生成某月抽查督查情况通报并直接打印（与 PDF 相同）")
        self.buttons.addStretch(1)
        self.buttons.addWidget(self.print_report_button)
        self.buttons.addWidget(self.report_button)
        self.update_buttons()

    @staticmethod
    def rows(db: Any) -> list[CheckListRow]:
        return data.check_rows(db)

    def count_text(self) -> str:
        late = sum(1 for i in range(self.model.rowCount()) if self.model.row_at(i).overdue)
        return super().count_text() + (f"，其中台账逾期报送 {late} 次" if late else "")

    def update_buttons(self) -> None:
        row = self.selected()
        self.open_button.setEnabled(row is not None)
        self.replay_button.setEnabled(row is not None and bool(row.seed))

    # -- 抽签 ---------------------------------------------------------------------------------
    def drawn_months(self) -> dict[tuple[int, int], list[CheckListRow]]:
        drawn: dict[tuple[int, int], list[CheckListRow]] = {}
        for row in self.model._rows:
            drawn.setdefault((row.year, row.month_no), []).append(row)
        return drawn

    def draw(self) -> None:
        dialog = DrawDialog(self.ctx, self.drawn_months(), self)
        if not dialog.exec() or dialog.result_value is None:
            return
        year, month, notice_on, seed = dialog.result_value
        db = self.ctx.db
        tasks.run_with_progress(
            self, f"正在抽签并整理 {year} 年 {month} 月的核对材料…",
            lambda _p, _c: data.draw(db, year, month, notice_on, seed),
            self._drawn, lambda exc: error(self, "抽签", _message(exc)), cancellable=False)

    def _drawn(self, result: DrawResult) -> None:
        self.after_change(result.check_ids[0] if result.check_ids else None)
        inform(self, "抽签结果", draw_text(result))

    # -- 复核抽签 -------------------------------------------------------------------------------
    def replay_selected(self) -> None:
        row = self.selected()
        if row is not None:
            show_replay(self, self.ctx, row.id)

    # -- one check ----------------------------------------------------------------------------
    def open_selected(self) -> None:
        row = self.selected()
        if row is None:
            return
        try:
            dialog = CheckDialog(self.ctx, row.id, self)
        except DomainError as exc:
            error(self, "台账抽查", exc.message)
            return
        dialog.exec()
        if dialog.changed:
            self.after_change(row.id)

    # -- 月度通报 -------------------------------------------------------------------------------
    def _report_month(self) -> tuple[Any, int, int, bool, Any] | None:
        """The report writer and the month, issue flag and date asked for, or None."""
        writer = report_writer()
        if writer is None:
            error(self, "月度通报", "这个版本还没有安装月度通报（PDF）功能。")
            return None
        row = self.selected()
        month = MonthDialog(date(row.year, row.month_no, 1) if row else date.today(), self)
        if not month.exec() or month.result_value is None:
            return None
        year, month_no, issue, dated = month.result_value
        return writer, year, month_no, issue, dated

    def _report_work(self, chosen: tuple[Any, int, int, bool, Any]) -> Any:
        """Writes the chosen month's report (issuing it when asked) to a given path."""
        writer, year, month_no, issue, dated = chosen
        db = self.ctx.db

        def write(out: Path) -> Any:
            from app.checks.report_pdf import issue_check_report_pdf

            with db.session() as s:
                if issue:
                    return issue_check_report_pdf(s, year, month_no, out, dated=dated)
                return writer(s, year, month_no, out)
        return write

    def export_report(self) -> None:
        chosen = self._report_month()
        if chosen is None:
            return
        _writer, year, month_no, _issue, _dated = chosen
        out = ask_save_path(self, "保存月度抽查督查通报", f"{year}年{month_no}月抽查督查情况通报.pdf")
        if out is None:
            return
        write = self._report_work(chosen)

        def done(result: Any) -> None:
            saved_file(self, "月度通报", issue_message(result, out), out)

        tasks.run_with_progress(self, f"正在生成 {year} 年 {month_no} 月通报…",
                                lambda _p, _c: write(out), done,
                                lambda exc: error(self, "月度通报", f"生成通报失败：{_message(exc)}"),
                                cancellable=False)

    def print_report(self) -> None:
        """The report ``export_report`` saves, written to a temporary file, then printed."""
        chosen = self._report_month()
        if chosen is None:
            return
        _writer, year, month_no, _issue, _dated = chosen
        printing.generate_and_print(self, "打印月度通报", self._report_work(chosen),
                                    f"{year}年{month_no}月抽查督查情况通报.pdf",
                                    on_finished=lambda _r: self.ctx.data_changed.emit())


def _message(exc: BaseException) -> str:
    return exc.message if isinstance(exc, DomainError) else str(exc)


def issue_message(result: Any, out: Path) -> str:
    """What saving the report says: saved (a draft), issued, or the issued one printed again."""
    number = getattr(result, "number", None)
    if number is None:
        return f"已保存：{out}"
    dated = f"{result.dated:%Y-%m-%d}"
    if getattr(result, "reprint", False):
        return (f"这个月的通报已印发（{number}，成文日期 {dated}），不再重新编号；"
                f"已按印发时的文本保存：{out}")
    return f"已印发：{number}，成文日期 {dated}。\n已保存：{out}"


def draw_text(result: DrawResult) -> str:
    when = f"{result.year} 年 {result.month} 月"
    if result.full:
        teams = "、".join(result.teams)
        head = (f"{when}已经抽过，不再重新抽取。本月为全面检查：" if result.already
                else f"{when}为全面检查月份，已为全部 {len(result.teams)} 个团队建立检查：")
        return f"{head}\n{teams}"
    team = result.teams[0] if result.teams else ""
    if result.already:
        return (f"{when}已经抽过签，不再重新抽取（抽签只进行一次）。\n\n"
                f"当时抽中：{team}\n随机种子：{result.seed}\n\n可用“复核抽签”核对。")
    return (f"{when}抽中：{team}\n随机种子：{result.seed}\n\n"
            "种子和候选团队已记录，任何人都可用“复核抽签”或命令 draw-check 重新抽取核对。")


def show_replay(parent: QWidget, ctx: AppContext, check_id: int) -> None:
    try:
        result = data.replay(ctx.db, check_id)
    except DomainError as exc:
        error(parent, "复核抽签", exc.message)
        return
    pool = "\n".join(f"　{c.team}：{c.last_checked or '从未抽查'}" for c in result.pool)
    verdict = ("一致：按记录的种子重新抽签，抽中的是同一个团队。" if result.same
               else "不一致！按记录的种子重新抽签得到的团队与记录不同，请核查。")
    inform(parent, "复核抽签",
           f"记录的抽签结果：{result.recorded}\n按种子“{result.seed}”重新抽签：{result.replayed}\n\n"
           f"{verdict}\n\n候选团队（上次抽查月份）：\n{pool}")


class MonthDialog(FormDialog):
    """The month of the report, and whether to issue it (正式印发: numbered, dated 成文日期,
    kept as issued) or save a draft (征求意见稿)."""

    def __init__(self, value: date, parent: QWidget | None = None) -> None:
        super().__init__("月度抽查督查通报", parent)
        self.month = self.add_field("month", "月份", month_edit(value, "reportMonth"))
        self.issue = self.add_field("issue", "", QCheckBox("正式印发（编发文字号，保存印发的文本）"))
        self.issue.setObjectName("reportIssue")
        self.dated = self.add_field("dated", "成文日期", date_edit(date.today(), "reportDated"))
        self.dated.setEnabled(False)
        self.issue.toggled.connect(self.dated.setEnabled)
        hint = QLabel("不勾选：保存为征求意见稿，不编文号。印发后再保存，都是印发时的文本，"
                      "文号和成文日期不变。")
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #5d6d7e;")
        self.form.addRow("", hint)
        self.save_button.setText("生成…")

    def save(self) -> tuple[int, int, bool, date | None]:
        value = date_of(self.month)
        issue = self.issue.isChecked()
        return value.year, value.month, issue, date_of(self.dated) if issue else None


class DrawDialog(FormDialog):
    """The month, the notice date and an optional seed; the candidates with the month each was
    last checked (the least recently checked are drawn from); a month already drawn is said so."""

    def __init__(self, ctx: AppContext, drawn: dict[tuple[int, int], list[CheckListRow]],
                 parent: QWidget | None = None) -> None:
        super().__init__("台账资料抽查：抽签", parent)
        self.setMinimumWidth(560)
        self.ctx = ctx
        self.drawn = drawn
        self._generation = 0
        today = date.today()
        self.month = self.add_field("month", "抽查月份", month_edit(today, "drawMonth"))
        self.notice = self.add_field("notice_on", "通知日期", date_edit(today, "drawNotice"))
        self.seed = self.add_field("seed", "随机种子", line_edit(
            placeholder="可不填：不填时自动生成，并随抽签结果记录", name="drawSeed"))
        self.state = headline("", "drawState")
        self.add_field("state", "", self.state)
        self.table = QTableWidget(0, 3)
        self.table.setObjectName("drawCandidates")
        self.table.setHorizontalHeaderLabels(["候选团队", "上次抽查", ""])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setColumnWidth(0, 200)
        self.table.setColumnWidth(1, 100)
        self.table.setMinimumHeight(220)
        self.add_field("candidates", "候选团队", self.table)
        self.full_months = data.full_check_months(ctx.db)
        self.month.dateChanged.connect(self._month_changed)
        self.save_button.setText("抽签")
        self._month_changed()

    def chosen_month(self) -> tuple[int, int]:
        value = date_of(self.month)
        return value.year, value.month

    def _month_changed(self) -> None:
        year, month = self.chosen_month()
        first = date(year, month, 1)
        today = date.today()
        notice = today if (today.year, today.month) == (year, month) else first
        self.notice.setDate(QDate(notice))
        already = self.drawn.get((year, month))
        if already:
            names = "、".join(r.team for r in already)
            seed = already[0].seed
            self.state.setText(f"{year} 年 {month} 月已经抽过签：{names}"
                               + (f"（随机种子 {seed}）" if seed else "（全面检查）")
                               + "。抽签只进行一次，再点“抽签”只会显示当时的结果。")
            self.state.setStyleSheet("color: #922b21;")
            self.save_button.setText("查看抽签结果")
        elif month in self.full_months:
            # Said before anything is asked: a full-check month draws nothing, so no seed.
            self.state.setText(f"{month} 月是全面检查月份：为全部团队建立检查，不抽签，不需要随机种子。")
            self.state.setStyleSheet("color: #1a5276;")
            self.save_button.setText("建立全面检查")
        else:
            self.state.setText("从最久没有抽查过的团队中抽取（从未抽查的最优先），"
                               "并列时按随机种子抽签。")
            self.state.setStyleSheet("")
            self.save_button.setText("抽签")
        self.form.setRowVisible(self.seed.parentWidget(),
                                not already and month not in self.full_months)
        self._generation += 1
        generation = self._generation
        db = self.ctx.db
        tasks.start(lambda _p, _c: data.candidates(db, year, month),
                    lambda found: self._show_candidates(generation, found),
                    lambda exc: self.state.setText(f"读取候选团队失败：{_message(exc)}"), owner=self)

    def _show_candidates(self, generation: int, found: list[Candidate]) -> None:
        if generation != self._generation:
            return
        oldest = min((c.last_checked or "" for c in found), default=None)
        self.table.setRowCount(len(found))
        for r, c in enumerate(found):
            first = (c.last_checked or "") == oldest
            for col, text in enumerate((c.team, c.last_checked or "从未抽查",
                                        "本次在这些团队中抽取" if first else "")):
                self.table.setItem(r, col, QTableWidgetItem(text))

    def save(self) -> tuple[int, int, date, str | None]:
        year, month = self.chosen_month()
        return year, month, date_of(self.notice), self.seed.text().strip() or None


class CheckDialog(RecordMessages, QDialog):
    """One ledger check: delivery, the checklist with the records' evidence, the checker's
    results, the findings; 保存 and 上报 (after which it is read-only)."""

    def __init__(self, ctx: AppContext, check_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.check_id = check_id
        self.changed = False
        self.detail: CheckDetail = data.check_detail(ctx.db, check_id)
        self.setWindowTitle(f"台账资料抽查：{self.detail.team}（{self.detail.year} 年 "
                            f"{self.detail.month} 月）")
        fit_to_screen(self, 1100, 820)  # its buttons stay on a 1366×768 screen
        self.header = headline("", "checkHeader")
        self.make_messages("check")
        self.locked = headline("", "checkLocked")
        self.locked.setStyleSheet(LOCKED_STYLE)

        self.received = QCheckBox("已收到台账资料，报送日期")
        self.received.setObjectName("checkReceived")
        self.received_on = date_edit(name="checkReceivedOn")
        self.received.toggled.connect(self.received_on.setEnabled)
        self.late = QLabel()
        self.late.setObjectName("checkLate")
        self.late.setStyleSheet("color: #c0392b; font-weight: bold;")
        delivery = QHBoxLayout()
        delivery.addWidget(self.received)
        delivery.addWidget(self.received_on)
        delivery.addWidget(self.late, 1)

        self.items_box = QWidget()
        self.items_layout = QVBoxLayout(self.items_box)
        self.items_layout.setContentsMargins(0, 0, 6, 0)
        self.result_combos: dict[int, QComboBox] = {}
        self.note_edits: dict[int, Any] = {}
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self.items_box)

        self.checker = line_edit(placeholder="如：组织办 王敏、李强", name="checkChecker")
        self.checked = QCheckBox("已检查，检查日期")
        self.checked.setObjectName("checkChecked")
        self.checked_on = date_edit(name="checkCheckedOn")
        self.checked.toggled.connect(self.checked_on.setEnabled)
        self.summary = text_box("checkSummary", 60, "检查意见：总体情况、主要问题")
        self.score = QLabel()
        self.score.setObjectName("checkScore")
        who = QHBoxLayout()
        who.addWidget(QLabel("检查人"))
        who.addWidget(self.checker, 1)
        who.addWidget(self.checked)
        who.addWidget(self.checked_on)
        who.addWidget(self.score)

        self.findings = FindingsBox("check", self.add_finding, self.amend_finding)

        self.replay_button = button("checkReplay", "复核抽签",
                                    lambda: show_replay(self, self.ctx, self.check_id))
        self.save_button = button("checkSave", "保存", self.save)
        self.report_button = button("checkReport", "上报…", self.report,
                                    "上报后检查结果和发现的问题锁定，只能以“更正”方式修改")
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.button(QDialogButtonBox.StandardButton.Close).setText("关闭")
        close.rejected.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(self.replay_button)
        bottom.addStretch(1)
        bottom.addWidget(self.save_button)
        bottom.addWidget(self.report_button)
        bottom.addWidget(close)

        upper = QWidget()
        upper_layout = QVBoxLayout(upper)
        upper_layout.setContentsMargins(0, 0, 0, 0)
        upper_layout.addWidget(scroll, 1)
        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.addLayout(who)
        lower_layout.addWidget(self.summary)
        lower_layout.addWidget(self.findings, 1)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(upper)
        split.addWidget(lower)
        split.setSizes([470, 330])

        layout = QVBoxLayout(self)
        for widget in (self.header, self.locked, self.top_error, self.notice):
            layout.addWidget(widget)
        layout.addLayout(delivery)
        layout.addWidget(split, 1)
        layout.addLayout(bottom)
        self._fill(self.detail, items=True)

    # -- showing ------------------------------------------------------------------------------
    def _fill(self, d: CheckDetail, items: bool) -> None:
        self.detail = d
        seed = f"　随机种子 {d.seed}" if d.seed else ""
        self.header.setText(
            f"<b>{d.team}</b>　{d.year} 年 {d.month} 月　{d.kind}{seed}<br>"
            f"检查范围 {d.period_start:%Y-%m-%d} 至 {d.period_end:%Y-%m-%d}；"
            f"通知日期 {d.notice_on:%Y-%m-%d}，应于 {d.due_on:%Y-%m-%d} 前报送台账资料")
        self.late.setText(_late_text(d))
        if items:   # else (after a finding) what is being entered stays as it is
            self.received.setChecked(d.received_on is not None)
            self.received_on.setDate(QDate(d.received_on or max(d.notice_on, date.today())))
            self.received_on.setEnabled(d.received_on is not None)
            self._fill_items(d)
            self.checker.setText(d.checker)
            self.checked.setChecked(d.checked_on is not None)
            self.checked_on.setDate(QDate(d.checked_on or max(d.notice_on, date.today())))
            self.checked_on.setEnabled(d.checked_on is not None)
            self.summary.setPlainText(d.summary)
        scored = any(item.result is not None for item in d.items)
        self.score.setText(f"得分 {d.passed} / {d.total}" if scored else "未评分")
        self.findings.set_findings(d.findings, d.reported)
        reported = d.reported
        if reported:
            self.locked.setText(
                f"已于 {d.reported_at:%Y-%m-%d %H:%M} 由 {d.reported_by or '—'} 上报，内容已锁定，"
                "只能查看。发现的问题如需更正，选中后点“更正…”并写明原因（原内容保留可查）。")
        self.locked.setVisible(reported)
        for widget in [self.received, self.received_on, self.checker, self.checked,
                       self.checked_on, *self.result_combos.values(), *self.note_edits.values()]:
            if reported:
                lock(widget, True)
        self.summary.setReadOnly(reported)
        self.save_button.setVisible(not reported)
        self.report_button.setVisible(not reported)
        self.replay_button.setVisible(d.monthly and bool(d.seed))

    def _fill_items(self, d: CheckDetail) -> None:
        while self.items_layout.count():
            child = self.items_layout.takeAt(0).widget()
            if child is not None:
                child.deleteLater()
        self.result_combos.clear()
        self.note_edits.clear()
        for n, item in enumerate(d.items, start=1):
            box = QGroupBox(f"{n}. {item.name}（{item.points} 分）")
            box.setObjectName(f"checkItem{n}")
            form = QFormLayout(box)
            evidence = headline(item.evidence or "（本项没有可自动核对的记录，请查阅台账资料）",
                                f"checkEvidence{n}")
            evidence.setStyleSheet("color: #37474f; background: #f4f6f8; padding: 4px 6px;")
            form.addRow("系统核对", evidence)
            result = QComboBox()
            result.setObjectName(f"checkResult{n}")
            for label, value in RESULTS:
                result.addItem(label, value)
            result.setCurrentIndex([v for _l, v in RESULTS].index(item.result))
            notes = line_edit(item.notes, "说明（不合格时写明缺什么）", f"checkNotes{n}")
            row = QHBoxLayout()
            row.addWidget(result)
            row.addWidget(notes, 1)
            form.addRow("结论", row)
            self.result_combos[item.id] = result
            self.note_edits[item.id] = notes
            self.items_layout.addWidget(box)
        self.items_layout.addStretch(1)

    def _refresh(self, items: bool = False) -> None:
        self._fill(data.check_detail(self.ctx.db, self.check_id), items)

    # -- writing ------------------------------------------------------------------------------
    def _write(self, s: Any) -> None:
        d = self.detail
        if self.received.isChecked():
            received = date_of(self.received_on)
            if received != d.received_on:
                spot_checks.record_delivery(s, d.id, received)
        items = [ItemInput(item_id, RESULTS[combo.currentIndex()][1],
                           self.note_edits[item_id].text())
                 for item_id, combo in self.result_combos.items()]
        spot_checks.save_check(s, d.id, items,
                               date_of(self.checked_on) if self.checked.isChecked() else None,
                               self.checker.text(), self.summary.toPlainText())

    def _late_findings(self) -> set[int]:
        return {f.id for f in self.detail.findings if f.source == FindingSource.LATE_DELIVERY.label}

    def save(self) -> bool:
        before = self._late_findings()
        try:
            with self.ctx.db.session() as s:
                check_version(spot_checks.get_check(s, self.check_id), self.detail.version,
                              "台账抽查")
                self._write(s)
        except DomainError as exc:
            self._show_error(exc)
            return False
        self.changed = True
        self._refresh()
        late = self._late_findings() - before
        text = "已保存。"
        if late:
            text += ("台账资料逾期报送，已自动登记一条“台账逾期报送”问题（见下方“发现的问题”）。")
        self._show_notice(text)
        return True

    def report(self) -> None:
        d = self.detail
        if not confirm(self, "上报台账抽查结果",
                       f"上报 {d.team} {d.year} 年 {d.month} 月的台账抽查结果？\n\n"
                       "上报后检查结果和发现的问题锁定，只能以“更正”方式修改并写明原因。",
                       "上报"):
            return
        try:
            with self.ctx.db.session() as s:
                check_version(spot_checks.get_check(s, self.check_id), d.version, "台账抽查")
                self._write(s)
                spot_checks.report_check(s, d.id)
        except DomainError as exc:
            self._show_error(exc)
            return
        self.changed = True
        self._refresh(items=True)
        self._show_notice("已上报。")

    def add_finding(self) -> None:
        d = self.detail
        found_on = date_of(self.checked_on) if self.checked.isChecked() else date.today()
        dialog = FindingDialog(self.ctx, FindingSource.LEDGER_CHECK, {"ledger_check_id": d.id},
                               [(d.team_id, d.team)], found_on,
                               f"{d.team} {d.year} 年 {d.month} 月台账抽查", self)
        if dialog.exec():
            self.changed = True
            self._refresh()
            self._show_notice("已登记发现的问题。")

    def amend_finding(self, line: FindingLine) -> None:
        if AmendDialog(self.ctx, line, self).exec():
            self.changed = True
            self._refresh()
            self._show_notice("已更正，更正记录可在“整改跟踪”中查看。")


def _late_text(d: CheckDetail) -> str:
    if d.received_on is not None:
        days = (d.received_on - d.due_on).days
        return f"逾期 {days} 天报送" if days > 0 else ""
    if date.today() > d.due_on:
        return f"已过报送期限（{d.due_on:%Y-%m-%d}），至今未报送"
    return ""
