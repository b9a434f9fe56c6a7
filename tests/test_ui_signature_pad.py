"""The signature pad: strokes from the mouse, a pen (tablet events) and touch; 清除 / 确定; the
exported PNG is transparent, cropped to the ink, and passes app.images.check_signature."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QPointingDevice, QTabletEvent, QTouchEvent, QEventPoint
from PySide6.QtWidgets import QApplication

from app.errors import ValidationError
from app.images import check_signature
from ui.widgets.signature_pad import MARGIN, SignatureDialog, SignaturePad


def draw(qtbot, pad: SignaturePad, points: list[tuple[int, int]]) -> None:  # type: ignore[no-untyped-def]
    left = Qt.MouseButton.LeftButton
    qtbot.mousePress(pad, left, pos=QPoint(*points[0]))
    for x, y in points[1:]:
        qtbot.mouseMove(pad, QPoint(x, y))
    qtbot.mouseRelease(pad, left, pos=QPoint(*points[-1]))


def image_of(data: bytes) -> Image.Image:
    picture = Image.open(io.BytesIO(data))
    picture.load()
    return picture.convert("RGBA")


@pytest.fixture
def pad(qtbot) -> SignaturePad:  # type: ignore[no-untyped-def]
    widget = SignaturePad()
    qtbot.addWidget(widget)
    widget.resize(500, 200)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def test_mouse_strokes_make_a_cropped_transparent_png(qtbot, pad: SignaturePad) -> None:
    assert pad.is_empty and pad.png_bytes() == b""
    draw(qtbot, pad, [(100, 60), (130, 90), (170, 70), (210, 110), (250, 80)])
    assert not pad.is_empty and len(pad.strokes) == 1 and len(pad.strokes[0]) >= 4
    data = pad.png_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    picture = image_of(data)
    # Cropped to the ink (150 × 50 widget pixels, drawn at twice the size) plus the margin,
    # not the whole 500 × 200 pad.
    assert 300 <= picture.width <= 300 + 2 * MARGIN + 20
    assert 100 <= picture.height <= 100 + 2 * MARGIN + 20
    alpha = picture.getchannel("A")
    assert alpha.getpixel((0, 0)) == 0 and alpha.getpixel((picture.width - 1, 0)) == 0
    # Ink is there and dark; the margin is left clear.
    box = alpha.getbbox()
    assert box is not None
    assert MARGIN - 3 <= box[0] <= MARGIN + 3 and MARGIN - 3 <= box[1] <= MARGIN + 3
    dark = sum(1 for (r, g, b, a) in picture.get_flattened_data() if a > 200 and r + g + b < 300)
    assert dark > 300
    assert check_signature(data)  # what the meetings service accepts


def test_clear_empties_and_an_empty_signature_is_refused(qtbot, pad: SignaturePad) -> None:
    draw(qtbot, pad, [(40, 40), (200, 150)])
    assert not pad.is_empty
    pad.clear()
    assert pad.is_empty and pad.png_bytes() == b""
    blank = Image.new("RGBA", (200, 80), (0, 0, 0, 0))
    out = io.BytesIO()
    blank.save(out, "PNG")
    with pytest.raises(ValidationError, match="空白"):
        check_signature(out.getvalue())


def test_dialog_enables_ok_only_with_ink(qtbot) -> None:  # type: ignore[no-untyped-def]
    dialog = SignatureDialog("陈小红")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert not dialog.ok_button.isEnabled() and not dialog.clear_button.isEnabled()
    draw(qtbot, dialog.pad, [(60, 60), (120, 100), (180, 70)])
    assert dialog.ok_button.isEnabled()
    dialog.clear_button.click()
    assert not dialog.ok_button.isEnabled()
    draw(qtbot, dialog.pad, [(60, 60), (120, 100), (180, 70)])
    dialog.ok_button.click()
    assert dialog.result() == SignatureDialog.DialogCode.Accepted
    assert image_of(dialog.png).getchannel("A").getbbox() is not None


def test_pen_pressure_and_touch_draw_too(qtbot, pad: SignaturePad) -> None:
    pen = QPointingDevice.primaryPointingDevice()

    def tablet(kind: QTabletEvent.Type, x: float, y: float, pressure: float) -> None:
        point = QPointF(x, y)
        event = QTabletEvent(kind, pen, point, pad.mapToGlobal(point), pressure, 0, 0, 0, 0, 0,
                             Qt.KeyboardModifier.NoModifier, Qt.MouseButton.LeftButton,
                             Qt.MouseButton.LeftButton)
        QApplication.sendEvent(pad, event)

    tablet(QTabletEvent.Type.TabletPress, 50, 50, 0.3)
    tablet(QTabletEvent.Type.TabletMove, 120, 80, 0.9)
    tablet(QTabletEvent.Type.TabletMove, 200, 60, 1.0)
    tablet(QTabletEvent.Type.TabletRelease, 220, 90, 0.5)
    assert len(pad.strokes) == 1
    assert [round(p, 1) for _pt, p in pad.strokes[0]][:2] == [0.3, 0.9]

    screen = QPointingDevice(
        "touchscreen", 1, QPointingDevice.DeviceType.TouchScreen,
        QPointingDevice.PointerType.Finger, QPointingDevice.Capability.Position, 1, 0)

    def touch(kind: QTouchEvent.Type, state: QEventPoint.State, x: float, y: float) -> None:
        point = QEventPoint(1, state, QPointF(x, y), pad.mapToGlobal(QPointF(x, y)))
        QApplication.sendEvent(pad, QTouchEvent(kind, screen, Qt.KeyboardModifier.NoModifier,
                                                [point]))

    touch(QTouchEvent.Type.TouchBegin, QEventPoint.State.Pressed, 260, 120)
    touch(QTouchEvent.Type.TouchUpdate, QEventPoint.State.Updated, 300, 150)
    touch(QTouchEvent.Type.TouchUpdate, QEventPoint.State.Updated, 340, 120)
    touch(QTouchEvent.Type.TouchEnd, QEventPoint.State.Released, 380, 150)
    assert len(pad.strokes) == 2 and len(pad.strokes[1]) >= 3
    assert check_signature(pad.png_bytes())
