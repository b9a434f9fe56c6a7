"""Message boxes with Chinese buttons, used after saves and for errors."""

from __future__ import annotations

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
