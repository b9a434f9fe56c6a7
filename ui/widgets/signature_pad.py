"""A signature pad (签名板): strokes from a mouse, a tablet pen or a touch screen, drawn as smooth
lines, exported as a PNG with a transparent background cropped to the ink.

``SignaturePad`` is the drawing surface; ``SignatureDialog`` puts it between a hint and the
清除 / 确定 / 取消 buttons (确定 stays disabled while the pad is empty) and hands back the PNG
bytes in ``png``.
"""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (QColor, QImage, QMouseEvent, QPainter, QPainterPath, QPaintEvent, QPen,
                           QTabletEvent, QTouchEvent)
from PySide6.QtWidgets import (QDialog, QHBoxLayout, QLabel, QPushButton, QSizePolicy,
                               QVBoxLayout, QWidget)

INK = QColor("#10205a")      # blue-black, like a signing pen
PEN_WIDTH = 3.2              # at pressure 1 (mouse and touch), in widget pixels
EXPORT_SCALE = 2             # the PNG has twice the widget's resolution
MARGIN = 12                  # transparent margin around the ink in the PNG, in PNG pixels

Stroke = list[tuple[QPointF, float]]   # (position, pressure 0..1)


class SignaturePad(QWidget):
    """``changed`` after each stroke and after 清除. ``is_empty`` tells whether there is ink."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("signaturePad")
        self.setAttribute(Qt.WidgetAttribute.WA_AcceptTouchEvents, True)
        self.setAttribute(Qt.WidgetAttribute.WA_StaticContents, True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(420, 170)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.setToolTip("用鼠标、手写笔或手指在框内签名")
        self.strokes: list[Stroke] = []
        self._current: Stroke | None = None
        self._tablet_down = False

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(560, 220)

    @property
    def is_empty(self) -> bool:
        return not any(self.strokes) and not self._current

    def clear(self) -> None:
        self.strokes = []
        self._current = None
        self.update()
        self.changed.emit()

    # -- input ----------------------------------------------------------------------------
    def _begin(self, point: QPointF, pressure: float = 1.0) -> None:
        self._current = [(QPointF(point), pressure)]
        self.update()

    def _extend(self, point: QPointF, pressure: float = 1.0) -> None:
        if self._current is None:
            return
        last = self._current[-1][0]
        if abs(last.x() - point.x()) + abs(last.y() - point.y()) < 0.8:
            return  # jitter: no new segment
        self._current.append((QPointF(point), pressure))
        self.update()

    def _end(self) -> None:
        if self._current is None:
            return
        self.strokes.append(self._current)
        self._current = None
        self.update()
        self.changed.emit()

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if event.button() == Qt.MouseButton.LeftButton and not self._tablet_down:
            self._begin(event.position())
        event.accept()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if event.buttons() & Qt.MouseButton.LeftButton and not self._tablet_down:
            self._extend(event.position())
        event.accept()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if event.button() == Qt.MouseButton.LeftButton and not self._tablet_down:
            self._extend(event.position())
            self._end()
        event.accept()

    def tabletEvent(self, event: QTabletEvent) -> None:  # noqa: N802
        """A pen: its pressure makes the line thicker; accepted, so no mouse events follow."""
        pressure = max(0.15, min(1.0, event.pressure() or 1.0))
        kind = event.type()
        if kind == QTabletEvent.Type.TabletPress:
            self._tablet_down = True
            self._begin(event.position(), pressure)
        elif kind == QTabletEvent.Type.TabletMove and self._tablet_down:
            self._extend(event.position(), pressure)
        elif kind == QTabletEvent.Type.TabletRelease:
            self._extend(event.position(), pressure)
            self._end()
            self._tablet_down = False
        event.accept()

    def event(self, event) -> bool:  # type: ignore[no-untyped-def]
        kind = event.type()
        if kind in (QTouchEvent.Type.TouchBegin, QTouchEvent.Type.TouchUpdate,
                    QTouchEvent.Type.TouchEnd, QTouchEvent.Type.TouchCancel):
            self._touch(event)
            return True
        return super().event(event)

    def _touch(self, event: QTouchEvent) -> None:
        """One finger draws (the first point); a cancelled touch drops its stroke."""
        points = event.points()
        kind = event.type()
        if kind == QTouchEvent.Type.TouchCancel:
            self._current = None
            self.update()
        elif points:
            # From the global position: correct however the event reached this widget.
            position = self.mapFromGlobal(points[0].globalPosition())
            if kind == QTouchEvent.Type.TouchBegin:
                self._begin(position)
            elif kind == QTouchEvent.Type.TouchUpdate:
                if self._current is None:
                    self._begin(position)
                else:
                    self._extend(position)
            else:
                self._extend(position)
                self._end()
        event.accept()

    # -- drawing --------------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor("#ffffff"))
        # A signing line and a frame, as on paper; not part of the exported PNG.
        painter.setPen(QPen(QColor("#c8ccd4"), 1, Qt.PenStyle.DashLine))
        base = self.height() - 36
        painter.drawLine(24, base, self.width() - 24, base)
        painter.setPen(QPen(QColor("#9aa3b2"), 1))
        painter.drawRect(self.rect().adjusted(0, 0, -1, -1))
        if self.is_empty:
            painter.setPen(QColor("#9aa3b2"))
            painter.drawText(self.rect().adjusted(0, 0, 0, -44),
                             Qt.AlignmentFlag.AlignCenter, "请在此处签名")
        self.draw_ink(painter)
        painter.end()

    def draw_ink(self, painter: QPainter, scale: float = 1.0,
                 offset: QPointF = QPointF(0, 0)) -> None:
        for stroke in self.strokes + ([self._current] if self._current else []):
            _draw_stroke(painter, stroke, scale, offset)

    def ink_rect(self) -> QRectF:
        """The ink's bounding box in widget pixels, pen width included."""
        rect = QRectF()
        for stroke in self.strokes:
            for point, pressure in stroke:
                half = PEN_WIDTH * max(pressure, 0.15) / 2 + 1
                rect = rect.united(QRectF(point.x() - half, point.y() - half, 2 * half, 2 * half))
        return rect

    # -- export ---------------------------------------------------------------------------
    def to_image(self) -> QImage:
        """The ink on a transparent background, cropped to it with a margin."""
        ink = self.ink_rect()
        width = int(ink.width() * EXPORT_SCALE) + 2 * MARGIN
        height = int(ink.height() * EXPORT_SCALE) + 2 * MARGIN
        image = QImage(max(width, 1), max(height, 1), QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        offset = QPointF(MARGIN - ink.left() * EXPORT_SCALE, MARGIN - ink.top() * EXPORT_SCALE)
        for stroke in self.strokes:
            _draw_stroke(painter, stroke, EXPORT_SCALE, offset)
        painter.end()
        return image

    def png_bytes(self) -> bytes:
        """The PNG (``to_image``) as bytes; empty when there is no ink."""
        if self.is_empty:
            return b""
        array = QByteArray()
        buffer = QBuffer(array)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        self.to_image().save(buffer, "PNG")
        buffer.close()
        return bytes(array.data())


def _draw_stroke(painter: QPainter, stroke: Stroke, scale: float, offset: QPointF) -> None:
    """Smooth: quadratic curves through the midpoints of the sampled points, so a fast stroke
    is a curve, not a polyline. A pen's pressure sets the width of each piece."""
    if not stroke:
        return

    def at(i: int) -> QPointF:
        point = stroke[i][0]
        return QPointF(point.x() * scale + offset.x(), point.y() * scale + offset.y())

    def pen(pressure: float) -> QPen:
        return QPen(INK, PEN_WIDTH * scale * max(pressure, 0.15), Qt.PenStyle.SolidLine,
                    Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin)

    if len(stroke) == 1:  # a dot
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(INK)
        radius = PEN_WIDTH * scale * max(stroke[0][1], 0.15) / 2
        painter.drawEllipse(at(0), radius, radius)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        return
    uniform = all(abs(p - stroke[0][1]) < 0.05 for _pt, p in stroke)
    if uniform:
        path = QPainterPath(at(0))
        for i in range(1, len(stroke) - 1):
            mid = (at(i) + at(i + 1)) / 2
            path.quadTo(at(i), mid)
        path.lineTo(at(len(stroke) - 1))
        painter.setPen(pen(stroke[0][1]))
        painter.drawPath(path)
        return
    start = at(0)
    for i in range(1, len(stroke)):
        end = (at(i) + at(i + 1)) / 2 if i + 1 < len(stroke) else at(i)
        piece = QPainterPath(start)
        piece.quadTo(at(i), end)
        painter.setPen(pen((stroke[i - 1][1] + stroke[i][1]) / 2))
        painter.drawPath(piece)
        start = end


class SignatureDialog(QDialog):
    """签名: the pad for one person. ``png`` holds the PNG bytes after 确定."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"签名 — {name}")
        self.setObjectName("signatureDialog")
        self.png = b""
        hint = QLabel(f"请 <b>{name}</b> 在下框内签名（鼠标、手写笔或触摸屏均可）。")
        hint.setObjectName("signatureHint")
        self.pad = SignaturePad()
        self.clear_button = QPushButton("清除")
        self.clear_button.setObjectName("signatureClear")
        self.ok_button = QPushButton("确定")
        self.ok_button.setObjectName("signatureOk")
        self.ok_button.setDefault(True)
        cancel = QPushButton("取消")
        cancel.setObjectName("signatureCancel")
        self.clear_button.clicked.connect(self.pad.clear)
        self.ok_button.clicked.connect(self._accept)
        cancel.clicked.connect(self.reject)
        self.pad.changed.connect(self._update)
        buttons = QHBoxLayout()
        buttons.addWidget(self.clear_button)
        buttons.addStretch(1)
        buttons.addWidget(self.ok_button)
        buttons.addWidget(cancel)
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addWidget(self.pad, 1)
        layout.addLayout(buttons)
        self._update()

    def _update(self) -> None:
        empty = self.pad.is_empty
        self.ok_button.setEnabled(not empty)
        self.clear_button.setEnabled(not empty)
        self.ok_button.setToolTip("请先签名" if empty else "")

    def _accept(self) -> None:
        if self.pad.is_empty:
            return
        self.png = self.pad.png_bytes()
        self.accept()
