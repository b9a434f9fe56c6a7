"""帮助 → 使用说明: the user guide inside the program, offline, with its screenshots, opened at
the section of the page the user is on ("这一页怎么用")."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtGui import QKeySequence, QShortcut, QShowEvent, QTextCursor, QTextDocument
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QHBoxLayout, QLineEdit, QTextBrowser,
                               QVBoxLayout, QWidget)

from app.paths import GUIDE_FILE
from ui import window_state

IMAGE_WIDTH = 760  # screenshots shown at most this wide, so the guide never scrolls sideways

# Each area's section of docs/USER_GUIDE.md: the text its heading (or bold lead) starts with.
SECTIONS = {
    "团队与人员": "党政办文员：团队与名册",
    "导入花名册": "导入和导出花名册",
    "联系卡": "民情联系卡和公开栏海报",
    "日志与台账": "联络员",
    "会议与签到": "会议与签到",
    "抽查督查": "抽查督查",
    "上报与通报": "上报与通报",
    "操作记录": "操作记录",
    "账户": "管理员：账户",
    "设置": "设置与备份",
}


class HelpDialog(window_state.RemembersSize, QDialog):
    """The guide in a browser of its own; ``show_section`` scrolls to a heading."""

    def __init__(self, section: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        window_state.remember(self)  # fits the screen; its size kept per user
        self.setWindowTitle("使用说明")
        self.resize(900, 640)
        self.browser = QTextBrowser()
        self.browser.setObjectName("helpBrowser")
        self.browser.setOpenExternalLinks(False)
        self.browser.setSearchPaths([str(GUIDE_FILE.parent)])
        self.search = QLineEdit()
        self.search.setPlaceholderText("查找（回车找下一个）")
        self.search.setClearButtonEnabled(True)
        self.search.returnPressed.connect(self.find_next)
        buttons = QDialogButtonBox()
        buttons.addButton("关闭", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.rejected.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(self.search, 1)
        bottom.addWidget(buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser, 1)
        layout.addLayout(bottom)
        QShortcut(QKeySequence.StandardKey.Find, self, self.search.setFocus)
        self._section: object | None = None
        self._load()
        if section:
            self.show_section(section)

    def _load(self) -> None:
        try:
            text = GUIDE_FILE.read_text(encoding="utf-8")
        except OSError:
            text = "# 使用说明\n\n找不到使用说明文件。请重新安装程序，或到程序的 docs 文件夹查看 USER_GUIDE.md。"
        self.browser.setMarkdown(text)
        self._fit_images()

    def _fit_images(self) -> None:
        """Shrink each screenshot to the reading width, keeping its proportions."""
        document = self.browser.document()
        block = document.begin()
        while block.isValid():
            it = block.begin()
            while not it.atEnd():
                fragment = it.fragment()
                form = fragment.charFormat()
                if form.isImageFormat():
                    image = form.toImageFormat()
                    picture = document.resource(QTextDocument.ResourceType.ImageResource,
                                                image.name())
                    if picture is not None and picture.width() > IMAGE_WIDTH:
                        image.setWidth(IMAGE_WIDTH)
                        image.setHeight(picture.height() * IMAGE_WIDTH / picture.width())
                        cursor = QTextCursor(document)
                        cursor.setPosition(fragment.position())
                        cursor.setPosition(fragment.position() + fragment.length(),
                                           QTextCursor.MoveMode.KeepAnchor)
                        cursor.setCharFormat(image)
                it += 1
            block = block.next()

    def show_section(self, area: str) -> bool:
        """Scroll so the area's section starts at the top; False if it is not found."""
        wanted = SECTIONS.get(area, area)
        document = self.browser.document()
        block = document.begin()
        fallback = None
        while block.isValid():
            text = block.text().strip()
            if text.startswith(wanted):
                if block.blockFormat().headingLevel() > 0:
                    return self._scroll_to(block)
                fallback = fallback or block
            block = block.next()
        return self._scroll_to(fallback) if fallback is not None else False

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        # The page is laid out again at the window's real width once shown: scroll again then.
        if self._section is not None:
            QTimer.singleShot(0, lambda: self._scroll_to(self._section))

    def _scroll_to(self, block: object) -> bool:
        self._section = block
        cursor = QTextCursor(block)  # type: ignore[call-overload]
        self.browser.setTextCursor(cursor)
        layout = self.browser.document().documentLayout()
        top = layout.blockBoundingRect(block).top()  # type: ignore[arg-type]
        self.browser.verticalScrollBar().setValue(int(top))
        return True

    def find_next(self) -> None:
        needle = self.search.text().strip()
        if needle and not self.browser.find(needle):
            self.browser.moveCursor(QTextCursor.MoveOperation.Start)
            self.browser.find(needle, QTextDocument.FindFlag(0))


def open_help(parent: QWidget | None, area: str = "") -> HelpDialog:
    """Non-modal, so the user can read beside the page they are working on."""
    dialog = HelpDialog(area, parent)
    dialog.show()
    return dialog
