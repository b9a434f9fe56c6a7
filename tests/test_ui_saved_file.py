"""After an export or PDF: 打开文件, 打开所在文件夹 and 关闭 (issue 15)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QMessageBox, QWidget

from tests.ui_support import when_modal
from ui.widgets import messages


def press(label: str, seen: list[tuple[str, str, list[str]]]):  # type: ignore[no-untyped-def]
    def act(box: QMessageBox) -> None:
        seen.append((box.windowTitle(), box.text(), [b.text() for b in box.buttons()]))
        next(b for b in box.buttons() if b.text() == label).click()
    return act


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[QUrl]:
    urls: list[QUrl] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: urls.append(url) or True)
    return urls


@pytest.fixture
def parent(qtbot) -> QWidget:  # type: ignore[no-untyped-def]
    widget = QWidget()
    qtbot.addWidget(widget)
    return widget


def test_the_message_offers_three_buttons_and_opens_the_file(parent, opened, tmp_path: Path
                                                              ) -> None:
    out = tmp_path / "花名册.xlsx"
    out.write_bytes(b"x")
    seen: list[tuple[str, str, list[str]]] = []
    when_modal(QMessageBox, press("打开文件", seen))
    messages.saved_file(parent, "导出花名册", f"已导出：{out}", out)
    assert len(seen) == 1 and seen[0][:2] == ("导出花名册", f"已导出：{out}")
    assert sorted(seen[0][2]) == sorted(["打开文件", "打开所在文件夹", "关闭"])
    assert opened == [QUrl.fromLocalFile(str(out))]
    assert opened[0].isLocalFile() and Path(opened[0].toLocalFile()) == out


def test_open_folder_opens_the_folder_and_close_opens_nothing(parent, opened, tmp_path: Path
                                                              ) -> None:
    out = tmp_path / "通报.pdf"
    seen: list[tuple[str, str, list[str]]] = []
    when_modal(QMessageBox, press("打开所在文件夹", seen))
    messages.saved_file(parent, "月通报", "已保存", out)
    assert [Path(u.toLocalFile()) for u in opened] == [tmp_path]
    when_modal(QMessageBox, press("关闭", seen))
    messages.saved_file(parent, "月通报", "已保存", out)
    assert len(seen) == 2 and len(opened) == 1


def test_a_file_that_cannot_be_opened_says_so(parent, monkeypatch: pytest.MonkeyPatch,
                                              tmp_path: Path) -> None:
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: False)
    out = tmp_path / "档案.docx"
    seen: list[tuple[str, str, list[str]]] = []
    first = press("打开文件", seen)

    def then_the_refusal(box: QMessageBox) -> None:
        first(box)  # the refusal is a second message box, with 确定
        when_modal(QMessageBox, lambda refusal: (
            seen.append((refusal.windowTitle(), refusal.text(), [])), refusal.accept()))
    when_modal(QMessageBox, then_the_refusal)
    messages.saved_file(parent, "个人档案", "已保存", out)
    assert len(seen) == 2 and seen[1][1].startswith("无法打开文件：") and str(out) in seen[1][1]
