"""The import preview: what would be written, and every problem, before anything is."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (QCheckBox, QDialog, QDialogButtonBox, QFileDialog, QGridLayout,
                               QLabel, QVBoxLayout, QWidget)

from app.errors import DomainError
from ui import tasks, window_state
from ui.widgets.messages import error, saved_file
from ui.widgets.table import Column, RowTableModel, make_table_view

PROBLEM_COLUMNS: list[Column[Any]] = [
    Column("文件", lambda p: p.file, width=140),
    Column("工作表", lambda p: p.sheet, width=90),
    Column("行", lambda p: p.row, width=50),
    Column("列", lambda p: p.column, width=50),
    Column("字段", lambda p: p.field, width=90),
    Column("问题", lambda p: p.reason),
]
COUNTS = (("驻点团队", "teams_new", "teams_existing"), ("人员", "people_new", "people_existing"),
          ("住户", "households_new", "households_existing"))


class ImportPreviewDialog(window_state.RemembersSize, QDialog):
    """``exec()`` gives 1 to import, 0 to stop, ``REMAP`` to place the columns again."""

    REMAP = 2

    def __init__(self, preview: Any, file_name: str, parent: QWidget | None = None,
                 source: Path | None = None) -> None:
        super().__init__(parent)
        window_state.remember(self)  # fits the screen; its size kept per user
        self.setWindowTitle(f"导入花名册 — {file_name}")
        self.resize(860, 560)
        self.preview = preview
        self.source = source
        self.problems = list(preview.problems)
        layout = QVBoxLayout(self)
        layout.addWidget(self._summary())
        layout.addWidget(self._counts())
        columns = self._columns_text()
        if columns:
            self.columns_label = QLabel(columns)
            self.columns_label.setObjectName("columnsNotImported")
            self.columns_label.setWordWrap(True)
            layout.addWidget(self.columns_label)
        if self.problems:
            layout.addWidget(QLabel(f"发现 {len(self.problems)} 个问题（请改正表格后重新导入，"
                                    "或勾选“跳过有问题的行”只导入无误的行）："))
            model: RowTableModel[Any] = RowTableModel(PROBLEM_COLUMNS, self)
            model.set_rows(self.problems)
            self.problem_table = make_table_view(model)
            self.problem_table.setObjectName("problemTable")
            layout.addWidget(self.problem_table, 1)
        else:
            layout.addStretch(1)
        self.skip = QCheckBox("跳过有问题的行")
        self.skip.setObjectName("skipInvalid")
        self.skip.setVisible(bool(self.problems))
        self.skip.toggled.connect(self._update_button)
        layout.addWidget(self.skip)
        self.buttons = QDialogButtonBox()
        self.import_button = self.buttons.addButton("导入", QDialogButtonBox.ButtonRole.AcceptRole)
        self.remap_button = self.buttons.addButton("调整列对应…", QDialogButtonBox.ButtonRole.ActionRole)
        self.remap_button.clicked.connect(lambda: self.done(self.REMAP))
        self.remap_button.setVisible(source is not None)
        self.marked_button = self.buttons.addButton("另存问题标注…",
                                                    QDialogButtonBox.ButtonRole.ActionRole)
        self.marked_button.setToolTip("另存一份名册：有问题的单元格标红并批注原因，改好后重新导入")
        self.marked_button.clicked.connect(self.save_marked_copy)
        self.marked_button.setVisible(bool(self.problems) and source is not None)
        self.buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self._update_button()

    def _summary(self) -> QLabel:
        p = self.preview
        text = (f"共 {p.rows_total} 行，其中 {p.rows_valid} 行无误。"
                "以下是导入后将写入的内容（现在还没有写入任何数据）：")
        label = QLabel(text)
        label.setWordWrap(True)
        return label

    def _counts(self) -> QWidget:
        box = QWidget()
        box.setObjectName("factsCard")
        grid = QGridLayout(box)
        for col, title in enumerate(("", "新增", "已有（将更新或保持）")):
            grid.addWidget(QLabel(f"<b>{title}</b>"), 0, col)
        for row, (label, new, existing) in enumerate(COUNTS, start=1):
            grid.addWidget(QLabel(label), row, 0)
            grid.addWidget(QLabel(str(getattr(self.preview, new))), row, 1)
            grid.addWidget(QLabel(str(getattr(self.preview, existing))), row, 2)
        grid.addWidget(QLabel("团队成员任职"), 4, 0)
        grid.addWidget(QLabel(str(self.preview.memberships_new)), 4, 1)
        return box

    def _columns_text(self) -> str:
        lines = []
        if self.preview.columns_unplaced:
            lines.append(f"未能识别、不会导入的列：{'；'.join(self.preview.columns_unplaced)}"
                         "（如需导入，请点“调整列对应…”）")
        if self.preview.columns_ignored:
            lines.append(f"按您的选择不导入的列：{'；'.join(self.preview.columns_ignored)}")
        return "\n".join(lines)

    def save_marked_copy(self) -> None:
        from app.roster.marked import write_marked_copy

        assert self.source is not None
        default = self.source.with_name(f"{self.source.stem}-问题标注.xlsx")
        name, _ = QFileDialog.getSaveFileName(self, "另存问题标注", str(default), "Excel 工作簿 (*.xlsx)")
        if not name:
            return
        source, problems, out = self.source, self.problems, Path(name)

        def work(progress: tasks.Progress, cancelled: tasks.Cancelled) -> Path:
            return write_marked_copy(source, problems, out)

        def failed(exc: BaseException) -> None:
            text = exc.message if isinstance(exc, DomainError) else f"出现意外错误：{type(exc).__name__}"
            error(self, "另存问题标注", text)

        tasks.run_with_progress(self, "正在另存问题标注…", work, lambda path: saved_file(
            self, "另存问题标注", f"已保存：{path}\n有问题的单元格已标红，鼠标指向可看原因。", path), failed,
            cancellable=False)

    def _update_button(self) -> None:
        self.import_button.setEnabled(not self.problems or self.skip.isChecked())

    @property
    def skip_invalid(self) -> bool:
        return self.skip.isChecked()
