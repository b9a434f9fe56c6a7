"""Qt's own dialogs speak Chinese once the program starts: the translators load and apply."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox

from ui.translations import install_chinese


def test_qt_standard_words_are_chinese(qapp) -> None:  # type: ignore[no-untyped-def]
    installed = install_chinese(qapp)
    try:
        assert installed, "Qt 的中文翻译文件没有找到"
        assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "取消"
        assert QCoreApplication.translate("QPlatformTheme", "Open") == "打开"
        box = QMessageBox(QMessageBox.Icon.Question, "标题", "内容",
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
        assert box.button(QMessageBox.StandardButton.Yes).text().startswith("是")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save)
        assert buttons.button(QDialogButtonBox.StandardButton.Save).text().startswith("保存")
        box.deleteLater()
        buttons.deleteLater()
    finally:
        for translator in installed:
            qapp.removeTranslator(translator)
