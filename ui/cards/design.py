"""卡片设置: the back text and whom the QR code carries, for one team's card in one community."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import QComboBox, QLabel, QPlainTextEdit, QWidget

from app.cards.content import CardContent, Contact
from app.db import Database
from app.services import cards
from ui.widgets.form import FormDialog

QR_ROLE_ORDER = ("town_liaison", "leader", "community_liaison")


@dataclass(frozen=True)
class DesignStart:
    """What the form starts from, read in one session (plain values only)."""

    back_text: str
    qr_role: str
    version: int | None
    content: CardContent


def design_start(db: Database, team_id: int, community_id: int) -> DesignStart:
    with db.session() as s:
        design = cards.get_design(s, team_id, community_id)
        content = cards.card_content(s, team_id, community_id)
        return DesignStart(design.back_text or content.back_text, design.qr_role,
                           design.version, content)


def _who(contact: Contact | None) -> str:
    if contact is None:
        return "（团队中暂无此人）"
    return "　".join(part for part in (contact.name, contact.phone or "无电话") if part)


class DesignDialog(FormDialog):
    def __init__(self, db: Database, target: cards.CardTarget, start: DesignStart,
                 parent: QWidget | None = None) -> None:
        super().__init__(f"卡片设置 — {target.team_name} · {target.community_name}", parent)
        self.setObjectName("cardDesignDialog")
        self.setMinimumWidth(560)
        self.db, self.target, self.start = db, target, start
        self.back_text = QPlainTextEdit(start.back_text)
        self.back_text.setObjectName("cardBackText")
        self.back_text.setMinimumHeight(110)
        self.counter = QLabel()
        self.counter.setObjectName("countLabel")
        self.back_text.textChanged.connect(self._count)
        self.qr_role = QComboBox()
        self.qr_role.setObjectName("cardQrRole")
        content = start.content
        people = {"town_liaison": content.town_liaison, "leader": content.leader,
                  "community_liaison": content.community_liaison}
        for role in QR_ROLE_ORDER:
            self.qr_role.addItem(f"{cards.QR_ROLE_LABELS[role]}：{_who(people[role])}", role)
        self.qr_role.setCurrentIndex(max(0, self.qr_role.findData(start.qr_role)))
        self.add_field("back_text", "背面文字", self.back_text)
        self.form.addRow("", self.counter)
        self.add_field("qr_role", "二维码联系人", self.qr_role)
        hint = QLabel("二维码是一张电子名片（姓名、单位、职务、电话），群众用手机扫描即可保存联系人。"
                      "背面文字保持默认时，会随团队的驻点时间和地点自动更新。")
        hint.setObjectName("factName")
        hint.setWordWrap(True)
        self.form.addRow("", hint)
        self._count()

    def _count(self) -> None:
        n = len(self.back_text.toPlainText().strip())
        limit = cards.BACK_TEXT_LIMIT
        self.counter.setText(f"{n} / {limit} 字" + ("（太长，请删减）" if n > limit else ""))

    def save(self) -> None:
        with self.db.session() as s:
            cards.save_design(s, self.target.team_id, self.target.community_id,
                              self.back_text.toPlainText(), self.qr_role.currentData(),
                              self.start.version)
