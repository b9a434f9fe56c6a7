"""签到 tab of the meeting editor: one row per attendee with how they came (出席 / 迟到 / 请假 /
缺席), the time a late one arrived, the reason for leave, and the signature drawn on the pad;
walk-ins (列席人员) added with their unit and post; the scanned paper sheet attached; the figures
counted by ``services.meetings.figures``.

Each change is saved when it is complete, one transaction each: choosing 出席 or 缺席 at once;
迟到 once the arrival time is confirmed (Enter, or leaving the field); 请假 once the reason is
typed; a signature when 确定 is pressed on the pad. After 定稿 the rows are read-only and a
change is a correction (更正签到…) with its reason.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time, timedelta
from pathlib import Path

from PySide6.QtCore import QByteArray, Qt, QTime, Signal
from PySide6.QtGui import QColor, QPixmap
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QFileDialog, QHBoxLayout,
                               QHeaderView, QInputDialog, QLabel, QLineEdit, QListWidget,
                               QPushButton, QTableWidget, QTableWidgetItem, QTimeEdit,
                               QVBoxLayout, QWidget)

from app.errors import DomainError
from app.models import Attendance
from app.services import meetings as service
from ui.context import AppContext
from ui.meetings.data import AttendeeLine, Detail, figures_line
from ui.widgets.form import ERROR_STYLE, FormDialog
from ui.widgets.inputs import choice_combo, line_edit, time_edit, time_of
from ui.widgets.messages import error
from ui.widgets.signature_pad import SignatureDialog

COLUMNS = ("姓名", "单位", "职务", "类别", "签到情况", "到会时间", "请假原因", "签名", "")
C_NAME, C_UNIT, C_POST, C_KIND, C_STATUS, C_TIME, C_REASON, C_SIGN, C_ACTION = range(9)
STATUS_ITEMS = [("未登记", None)] + [(a.label, a) for a in Attendance]
PENDING_BG = QColor("#fff4d6")
MAX_SCAN_BYTES = 20 * 1024 * 1024


def status_of(combo: QComboBox) -> Attendance | None:
    value = combo.currentData()   # Qt hands a str enum back as a plain str
    return None if value is None else Attendance(value)


def ask_reason(parent: QWidget, what: str) -> str | None:
    """The reason for a correction after 定稿; None when cancelled."""
    text, ok = QInputDialog.getText(parent, "更正原因",
                                    f"会议记录已定稿，{what}属于更正。\n请写明更正原因：")
    return text if ok else None


class SignInTab(QWidget):
    """``saved`` after each change written to the database (the editor reloads)."""

    saved = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.detail: Detail | None = None
        self.may_keep = False
        self.lines: list[AttendeeLine] = []
        self.figures = QLabel()
        self.figures.setObjectName("signInFigures")
        self.figures.setStyleSheet("font-weight: bold;")
        self.message = QLabel()
        self.message.setObjectName("signInMessage")
        self.message.setWordWrap(True)
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.hide()
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("signInTable")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setDefaultSectionSize(44)
        header = self.table.horizontalHeader()
        for column, width in ((C_NAME, 80), (C_UNIT, 120), (C_POST, 90), (C_KIND, 50),
                              (C_STATUS, 90), (C_TIME, 80), (C_REASON, 150), (C_SIGN, 150),
                              (C_ACTION, 70)):
            self.table.setColumnWidth(column, width)
        header.setSectionResizeMode(C_REASON, QHeaderView.ResizeMode.Stretch)
        self.all_present_button = QPushButton("全部出席")
        self.all_present_button.setObjectName("signInAllPresent")
        self.all_present_button.setToolTip("把应到名单上还未登记的人都标为出席，再逐个改迟到、请假、缺席")
        self.all_present_button.clicked.connect(self.mark_all_present)
        self.walk_in_button = QPushButton("添加列席人员…")
        self.walk_in_button.setObjectName("addWalkIn")
        self.walk_in_button.setToolTip("不在应到名单上的参会人员：群众、部门负责人、代表等")
        self.walk_in_button.clicked.connect(self.add_walk_in)
        self.scan_button = QPushButton("附签到表扫描件…")
        self.scan_button.setObjectName("attachScan")
        self.scan_button.setToolTip("签好字的纸质签到表，扫描或拍照（JPEG、PNG）")
        self.scan_button.clicked.connect(self.attach_scan)
        self.correct_button = QPushButton("更正签到…")
        self.correct_button.setObjectName("correctSignIn")
        self.correct_button.setToolTip("会议记录已定稿：更正选中人员的签到情况，须写明原因")
        self.correct_button.clicked.connect(self.correct_selected)
        self.scans = QListWidget()
        self.scans.setObjectName("signInScans")
        self.scans.setMaximumHeight(64)
        buttons = QHBoxLayout()
        buttons.addWidget(self.all_present_button)
        buttons.addWidget(self.walk_in_button)
        buttons.addWidget(self.scan_button)
        buttons.addWidget(self.correct_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.figures)
        layout.addWidget(self.message)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layout.addWidget(QLabel("已附签到表图片："))
        layout.addWidget(self.scans)

    # -- showing --------------------------------------------------------------------------
    def set_detail(self, detail: Detail, may_keep: bool) -> None:
        # A row changed on screen but not saved yet (请假 waiting for its reason, 迟到 for its
        # time) keeps what was chosen and typed when another row's save reloads the list.
        kept = self._unsaved() if self.detail is not None and self.detail.id == detail.id else {}
        self.detail = detail
        self.may_keep = may_keep
        self.lines = list(detail.attendees)
        editable = may_keep and not detail.final
        self.all_present_button.setVisible(editable)
        self.all_present_button.setEnabled(any(
            line.expected and line.status is None for line in self.lines))
        self.walk_in_button.setVisible(may_keep)
        self.scan_button.setVisible(may_keep)
        self.correct_button.setVisible(may_keep and detail.final)
        self.figures.setText(figures_line(detail.figures))
        self.table.setRowCount(len(self.lines))
        for row, line in enumerate(self.lines):
            self._fill_row(row, line, editable)
            if editable and line.id in kept and line.status is None:
                self._restore(row, *kept[line.id])
        self.scans.clear()
        for scan in detail.scans:
            self.scans.addItem(f"{scan.file_name}　{scan.width}×{scan.height} 像素　"
                               f"{scan.size / 1024:.0f} KB")
        if not detail.scans:
            self.scans.addItem("（无）")

    def _fill_row(self, row: int, line: AttendeeLine, editable: bool) -> None:
        for column, text in ((C_NAME, line.name), (C_UNIT, line.unit), (C_POST, line.post),
                             (C_KIND, "应到" if line.expected else "列席")):
            self.table.setItem(row, column, QTableWidgetItem(text))
        status = choice_combo(STATUS_ITEMS, line.status, f"signInStatus{row}")
        if line.status is None:
            status.setCurrentIndex(0)
        status.setEnabled(editable)
        status.activated.connect(lambda _i, r=row: self._status_chosen(r))
        self.table.setCellWidget(row, C_STATUS, status)
        start = self.detail.start_time if self.detail else time(9)
        arrived = time_edit(line.arrived_at or _plus(start, 10), f"signInTime{row}")
        arrived.setEnabled(editable and line.status == Attendance.LATE)
        arrived.editingFinished.connect(lambda r=row: self._time_done(r))
        self.table.setCellWidget(row, C_TIME, arrived)
        reason = line_edit(line.leave_reason, "请假原因", f"signInReason{row}")
        reason.setEnabled(editable and line.status == Attendance.LEAVE)
        reason.editingFinished.connect(lambda r=row: self._reason_done(r))
        self.table.setCellWidget(row, C_REASON, reason)
        self.table.setCellWidget(row, C_SIGN, self._signature_cell(row, line, editable))
        if editable and line.status is None and not line.expected:
            remove = QPushButton("移除")
            remove.setObjectName(f"signInRemove{row}")
            remove.setToolTip(f"把{line.name}从名单上移除（还没签到的才能移除）")
            remove.clicked.connect(lambda _c=False, r=row: self._remove(r))
            self.table.setCellWidget(row, C_ACTION, remove)
        else:
            self.table.removeCellWidget(row, C_ACTION)
        self._mark_pending(row, False)

    def _signature_cell(self, row: int, line: AttendeeLine, editable: bool) -> QWidget:
        cell = QWidget()
        box = QHBoxLayout(cell)
        box.setContentsMargins(2, 0, 2, 0)
        picture = QLabel()
        picture.setObjectName(f"signInSignature{row}")
        if line.signature_png:
            pixmap = QPixmap()
            pixmap.loadFromData(QByteArray(line.signature_png), "PNG")
            picture.setPixmap(pixmap.scaled(90, 36, Qt.AspectRatioMode.KeepAspectRatio,
                                            Qt.TransformationMode.SmoothTransformation))
            if line.signed_at:
                picture.setToolTip(f"{line.signed_at:%Y-%m-%d %H:%M} 签名")
        else:
            picture.setText("—")
        box.addWidget(picture, 1)
        sign = QPushButton("签名")
        sign.setObjectName(f"signInSign{row}")
        sign.setToolTip(f"请{line.name}在签名板上签名")
        sign.setEnabled(editable and line.status not in (Attendance.LEAVE, Attendance.ABSENT))
        sign.clicked.connect(lambda _c=False, r=row: self.sign(r))
        box.addWidget(sign)
        return cell

    def _unsaved(self) -> dict[int, tuple[Attendance, time, str]]:
        out = {}
        for row, line in enumerate(self.lines):
            combo = self._status_combo(row)
            if combo is None:
                continue
            status = status_of(combo)
            if status is not None and status != line.status:
                out[line.id] = (status, time_of(self._time_edit(row)),
                                self._reason_edit(row).text())
        return out

    def _restore(self, row: int, status: Attendance, arrived: time, reason: str) -> None:
        combo = self._status_combo(row)
        combo.setCurrentIndex(combo.findData(status))
        self._time_edit(row).setTime(QTime(arrived.hour, arrived.minute))
        self._time_edit(row).setEnabled(status == Attendance.LATE)
        self._reason_edit(row).setText(reason)
        self._reason_edit(row).setEnabled(status == Attendance.LEAVE)
        self._mark_pending(row, True)

    def mark_all_present(self) -> None:
        """全部出席 for those expected and not yet registered; rows being changed on screen are
        saved first, so a 请假 typed a moment ago is not overwritten."""
        if self.detail is None:
            return
        for attendee_id, (status, _arrived, reason) in self._unsaved().items():
            row = next(r for r, line in enumerate(self.lines) if line.id == attendee_id)
            if status != Attendance.LEAVE or reason.strip():
                self.commit(row)     # reloads the list; the other unsaved rows are kept
        meeting_id, waiting = self.detail.id, list(self._unsaved())
        self._save(lambda s: service.mark_all_present(s, meeting_id, skip=waiting))

    def _mark_pending(self, row: int, pending: bool) -> None:
        for column in (C_NAME, C_UNIT, C_POST, C_KIND):
            item = self.table.item(row, column)
            if item is not None:
                item.setBackground(PENDING_BG if pending else QColor(0, 0, 0, 0))

    def _status_combo(self, row: int) -> QComboBox:
        return self.table.cellWidget(row, C_STATUS)  # type: ignore[return-value]

    def _time_edit(self, row: int) -> QTimeEdit:
        return self.table.cellWidget(row, C_TIME)  # type: ignore[return-value]

    def _reason_edit(self, row: int) -> QLineEdit:
        return self.table.cellWidget(row, C_REASON)  # type: ignore[return-value]

    def _say(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

    # -- changes --------------------------------------------------------------------------
    def _status_chosen(self, row: int) -> None:
        status = status_of(self._status_combo(row))
        line = self.lines[row]
        late, leave = status == Attendance.LATE, status == Attendance.LEAVE
        self._time_edit(row).setEnabled(late)
        self._reason_edit(row).setEnabled(leave)
        if status is None:
            self._say(f"{line.name}的签到情况已登记，不能改回“未登记”；请选择出席、迟到、请假或缺席。"
                      if line.status is not None else "")
            return
        if late:
            self._mark_pending(row, True)
            self._say(f"请填写{line.name}的到会时间，按回车保存。")
            self._time_edit(row).setFocus()
            return
        if leave and not self._reason_edit(row).text().strip():
            self._mark_pending(row, True)
            self._say(f"请填写{line.name}的请假原因，按回车保存。")
            self._reason_edit(row).setFocus()
            return
        self.commit(row)

    def _time_done(self, row: int) -> None:
        if status_of(self._status_combo(row)) == Attendance.LATE:
            self.commit(row)

    def _reason_done(self, row: int) -> None:
        if (status_of(self._status_combo(row)) == Attendance.LEAVE
                and self._reason_edit(row).text().strip()):
            self.commit(row)

    def entry(self, row: int, signature: bytes | None = None) -> service.SignIn:
        status = status_of(self._status_combo(row))
        return service.SignIn(
            status=status,
            arrived_at=time_of(self._time_edit(row)) if status == Attendance.LATE else None,
            leave_reason=self._reason_edit(row).text() if status == Attendance.LEAVE else "",
            signature_png=signature)

    def commit(self, row: int, signature: bytes | None = None) -> bool:
        """Save row ``row`` as the widgets show it (one transaction)."""
        line = self.lines[row]
        data = self.entry(row, signature)
        if data.status is None:
            return False
        if (data.status == line.status and data.arrived_at == line.arrived_at
                and data.leave_reason.strip() == line.leave_reason and signature is None):
            self._mark_pending(row, False)
            return False  # nothing changed (focus left an untouched field)
        return self._save(lambda s: service.sign_in(s, line.id, data,
                                                    expected_version=line.version))

    def _save(self, action: Callable) -> bool:  # type: ignore[type-arg]
        try:
            with self.ctx.db.session() as s:
                action(s)
        except DomainError as exc:
            self._say(exc.message)
            return False
        self._say("")
        self.saved.emit()
        return True

    def sign(self, row: int) -> None:
        """The signature pad for this attendee; 确定 saves the signature (and 出席 when no
        status was given yet)."""
        line = self.lines[row]
        dialog = SignatureDialog(line.name, self)
        if not dialog.exec() or not dialog.png:
            return
        combo = self._status_combo(row)
        if status_of(combo) not in (Attendance.PRESENT, Attendance.LATE):
            combo.setCurrentIndex(combo.findData(Attendance.PRESENT))
        self.commit(row, dialog.png)

    def _remove(self, row: int) -> None:
        line = self.lines[row]
        self._save(lambda s: service.remove_attendee(s, line.id))

    def add_walk_in(self) -> None:
        if self.detail is None:
            return
        dialog = WalkInDialog(self.ctx, self.detail, self)
        if dialog.exec():
            self.saved.emit()

    def attach_scan(self) -> None:
        if self.detail is None:
            return
        path, _filter = QFileDialog.getOpenFileName(
            self, "选择签到表扫描件或照片", "", "图片 (*.jpg *.jpeg *.png);;所有文件 (*)")
        if not path:
            return
        file = Path(path)
        try:
            size = file.stat().st_size
            if size > MAX_SCAN_BYTES:   # refused before reading it all into memory
                data = b"\0" * (MAX_SCAN_BYTES + 1)
            else:
                data = file.read_bytes()
        except OSError as exc:
            error(self, "附签到表扫描件", f"无法读取“{file.name}”：{exc.strerror or exc}")
            return
        reason = ""
        if self.detail.final:
            asked = ask_reason(self, "补充签到表图片")
            if asked is None:
                return
            reason = asked
        meeting_id = self.detail.id
        try:
            with self.ctx.db.session() as s:
                service.attach_scan(s, meeting_id, data, file.name, reason)
        except DomainError as exc:
            error(self, "附签到表扫描件", exc.message)   # app/images says what is wrong
            return
        self.saved.emit()

    def correct_selected(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if self.detail is None or not rows:
            error(self, "更正签到", "请先在签到表中选中要更正的人员。")
            return
        line = self.lines[rows[0].row()]
        if SignInCorrectionDialog(self.ctx, self.detail, line, self).exec():
            self.saved.emit()


def _plus(start: time, minutes: int) -> time:
    moment = datetime.combine(datetime.today(), start) + timedelta(minutes=minutes)
    return moment.time()


class WalkInDialog(FormDialog):
    """添加列席人员: name, unit, post (and the reason, after 定稿)."""

    def __init__(self, ctx: AppContext, detail: Detail, parent: QWidget | None = None) -> None:
        super().__init__("添加列席人员", parent)
        self.ctx = ctx
        self.detail = detail
        self.name = self.add_field("name", "姓名", line_edit(name="walkInName"))
        self.unit = self.add_field("unit", "单位", line_edit(
            placeholder="如 石岗村村民、镇农业办、区人大代表", name="walkInUnit"))
        self.post = self.add_field("post", "职务", line_edit(name="walkInPost"))
        self.reason = self.add_field("reason", "更正原因", line_edit(name="walkInReason"))
        self.form.setRowVisible(self.reason.parentWidget(), detail.final)

    def save(self) -> int:
        with self.ctx.db.session() as s:
            return service.add_walk_in(s, self.detail.id, service.WalkIn(
                self.name.text(), self.unit.text(), self.post.text()),
                self.reason.text()).id


class SignInCorrectionDialog(FormDialog):
    """更正签到 after 定稿: the new status (time, leave reason) and why."""

    def __init__(self, ctx: AppContext, detail: Detail, line: AttendeeLine,
                 parent: QWidget | None = None) -> None:
        super().__init__(f"更正签到 — {line.name}", parent)
        self.ctx = ctx
        self.line = line
        self.status = self.add_field("status", "签到情况", choice_combo(
            [(a.label, a) for a in Attendance], line.status, "correctStatus"))
        self.arrived = self.add_field("arrived_at", "到会时间", time_edit(
            line.arrived_at or _plus(detail.start_time, 10), "correctTime"))
        self.leave = self.add_field("leave_reason", "请假原因", line_edit(
            line.leave_reason, name="correctLeave"))
        self.reason = self.add_field("reason", "更正原因", line_edit(name="correctReason"))

    def save(self) -> int:
        status = status_of(self.status)
        data = service.SignIn(status, time_of(self.arrived) if status == Attendance.LATE else None,
                              self.leave.text() if status == Attendance.LEAVE else "")
        with self.ctx.db.session() as s:
            return service.sign_in(s, self.line.id, data, self.reason.text(),
                                   expected_version=self.line.version).id


__all__ = ["SignInCorrectionDialog", "SignInTab", "WalkInDialog", "ask_reason"]
