"""Message boxes with Chinese buttons, used after saves, exports and for errors."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QMessageBox, QWidget


def show_warnings(parent: QWidget, title: str, warnings: list[str]) -> None:
    """After a save: the rules that were bent (nothing when all is in order)."""
    if warnings:
        QMessageBox.information(parent, title, "已保存。请注意：\n\n" + "\n".join(f"• {w}" for w in warnings))


def confirm(parent: QWidget, title: str, text: str, yes: str = "确定") -> bool:
    box = QMessageBox(QMessageBox.Icon.Question, title, text, parent=parent)
    ok = box.addButton(yes, QMessageBox.ButtonRole.AcceptRole)
    box.addButton("取消", QMessageBox.ButtonRole.RejectRole)
    box.exec()
    return box.clickedButton() is ok


def error(parent: QWidget | None, title: str, text: str) -> None:
    box = QMessageBox(QMessageBox.Icon.Warning, title, text, parent=parent)
    box.addButton("确定", QMessageBox.ButtonRole.AcceptRole)
    box.exec()


def inform(parent: QWidget | None, title: str, text: str) -> None:
    """Information after a step, with a Chinese button."""
    box = QMessageBox(QMessageBox.Icon.Information, title, text, parent=parent)
    box.addButton("确定", QMessageBox.ButtonRole.AcceptRole)
    box.exec()


def open_location(url_path: Path) -> bool:
    """The file (or folder) in the program the system uses for it; False when that failed."""
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(url_path)))


def saved_file(parent: QWidget | None, title: str, text: str, path: Path | str) -> None:
    """After an export or PDF: the message with 打开文件, 打开所在文件夹 and 关闭.

    Tests meet the box itself (``when_modal(QMessageBox, …)``) and press one of the three.
    """
    path = Path(path)
    box = QMessageBox(QMessageBox.Icon.Information, title, text, parent=parent)
    box.setObjectName("savedFileBox")
    open_file = box.addButton("打开文件", QMessageBox.ButtonRole.ActionRole)
    open_folder = box.addButton("打开所在文件夹", QMessageBox.ButtonRole.ActionRole)
    close = box.addButton("关闭", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(close)
    box.setEscapeButton(close)
    box.exec()
    clicked = box.clickedButton()
    if clicked is open_file:
        if not open_location(path):
            error(parent, title, f"无法打开文件：{path}\n\n请检查电脑上是否装有能打开这类文件的程序，"
                                 "或点“打开所在文件夹”后自行打开。")
    elif clicked is open_folder:
        if not open_location(path.parent):
            error(parent, title, f"无法打开文件夹：{path.parent}")
