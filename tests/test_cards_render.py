"""The card engine from outside: page sizes, card and crop-mark positions measured in the
rendered bitmap, duplex alignment, text extraction, fonts, warnings."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from PIL import Image, ImageChops
import pypdfium2 as pdfium
import pytest

from app.cards.content import Contact
from app.cards.layout import (CARD_H, CARD_W, COLS, MARGIN_X, MARGIN_Y, PAGE_H, PAGE_W,
                              card_rect, cut_lines)
from app.cards.poster import render_poster
from app.cards.render import Cancelled, check_cards, render_cards
from tests.cards_support import DPI, content, lines, page_images, page_texts

MM = 72 / 25.4
PX = DPI / 72            # pixels per point
TOL = 0.5 * MM * PX      # half a millimetre, in pixels


def _red(image) -> Image.Image:
    """A mask (mode L, 255 = red ink) of the colour band's red."""
    r, g, b = image.convert("RGB").split()
    mask = ImageChops.multiply(r.point(lambda v: 255 if v > 120 else 0),
                               g.point(lambda v: 255 if v < 70 else 0))
    return ImageChops.multiply(mask, b.point(lambda v: 255 if v < 70 else 0))


def _dark(image) -> Image.Image:
    return image.convert("L").point(lambda v: 255 if v < 100 else 0)


def _bbox(mask, box):
    """Bounding box of the ink within ``box`` (page pixel coordinates), or None."""
    found = mask.crop(tuple(int(v) for v in box)).getbbox()
    if found is None:
        return None
    return (found[0] + int(box[0]), found[1] + int(box[1]), found[2] + int(box[0]),
            found[3] + int(box[1]))


def _columns(mask) -> list[int]:
    """Columns of ``mask`` holding any ink."""
    line = mask.resize((mask.width, 1), Image.Resampling.BOX)
    return [x for x, v in enumerate(line.tobytes()) if v]


def _rows(mask) -> list[int]:
    line = mask.resize((1, mask.height), Image.Resampling.BOX)
    return [y for y, v in enumerate(line.tobytes()) if v]


def test_sheet_geometry_constants() -> None:
    assert (round(PAGE_W / MM, 2), round(PAGE_H / MM, 2)) == (210.0, 297.0)
    assert round(MARGIN_X / MM, 2) == 15.0 and round(MARGIN_Y / MM, 2) == 13.5
    assert round(CARD_W / MM, 2) == 90.0 and round(CARD_H / MM, 2) == 54.0


def test_page_size_and_card_positions_in_the_bitmap(tmp_path: Path) -> None:
    out = tmp_path / "cards.pdf"
    report = render_cards([content()], out)
    assert (report.pages, report.cards) == (2, 10)
    pdf = pdfium.PdfDocument(str(out))
    for i in range(len(pdf)):
        w, h = pdf[i].get_size()
        assert abs(w - PAGE_W) < 0.01 and abs(h - PAGE_H) < 0.01
    pdf.close()
    front = page_images(out)[0]
    red = _red(front)
    for slot in range(10):
        r = card_rect(slot)
        # the colour band runs along the top edge of the card, edge to edge
        top_px = (PAGE_H - r.top) * PX
        mid = (r.x + r.w / 2) * PX
        band = _bbox(red, (mid, top_px - 3 * MM * PX, mid + 1, top_px + 3 * MM * PX))
        assert abs(band[1] - top_px) <= TOL, slot
        row_mid = top_px + 4 * MM * PX
        band = _bbox(red, (0, row_mid, red.width, row_mid + 1))
        if slot % COLS == 0:
            assert abs(band[0] - r.x * PX) <= TOL, slot
        else:
            assert abs(band[2] - r.right * PX) <= TOL, slot
    # crop marks: on every cut line, in the margins only
    dark = _dark(front)
    xs, ys = cut_lines()
    top_strip = dark.crop((0, int(2 * MM * PX), dark.width, int((MARGIN_Y - 3 * MM) * PX)))
    mark_cols = _columns(top_strip)
    for x in xs:
        assert min(abs(c - x * PX) for c in mark_cols) <= TOL
    assert len(mark_cols) <= 6 * len(xs)   # thin lines, nothing else in the margin
    left_strip = dark.crop((int(2 * MM * PX), 0, int((MARGIN_X - 3 * MM) * PX), dark.height))
    mark_rows = _rows(left_strip)
    for y in ys:
        assert min(abs(r - (PAGE_H - y) * PX) for r in mark_rows) <= TOL
    assert len(mark_rows) <= 6 * len(ys)
    # and no mark reaches the cards: the 1.5 mm just outside the grid stays blank
    gap = dark.crop((0, int((MARGIN_Y - 1.5 * MM) * PX), dark.width, int(MARGIN_Y * PX) - 2))
    assert gap.getbbox() is None
    gap = dark.crop((int((MARGIN_X - 1.5 * MM) * PX), 0, int(MARGIN_X * PX) - 2, dark.height))
    assert gap.getbbox() is None


def test_duplex_backs_sit_behind_their_fronts(tmp_path: Path) -> None:
    out = tmp_path / "three.pdf"
    render_cards([content()], out, households={3: lines(3)})
    front, back = page_images(out)
    red_front, red_back = _red(front), _red(back)

    def inked(red, r) -> bool:
        return _bbox(red, (r.x * PX + 5, (PAGE_H - r.top) * PX + 5, r.right * PX - 5,
                           (PAGE_H - r.y) * PX - 5)) is not None

    for slot in range(10):
        assert inked(red_front, card_rect(slot)) == (slot < 3)
        assert inked(red_back, card_rect(slot, back=True)) == (slot < 3)
        # turned over on the long edge, the back's x range is the front's mirrored
        f, b = card_rect(slot), card_rect(slot, back=True)
        assert abs((PAGE_W - b.right) - f.x) < 1e-6 and b.y == f.y
    assert card_rect(0, back=True).x == card_rect(1).x


def test_front_only_and_text_extraction(tmp_path: Path) -> None:
    out = tmp_path / "front.pdf"
    report = render_cards([content()], out, front_only=True, households={3: lines(11)})
    assert (report.pages, report.cards) == (2, 11)
    first, second = page_texts(out)
    for expected in ("民情联系卡", "石岗村", "李䶮", "王喆", "张堃", "陈燊", "镇党委副书记",
                     "13800138000", "每周二 15:00—18:30", "0757-12345",
                     "发放到户：", "石岗村一巷1号 No. 石岗村-000001", "No. 石岗村-000010"):
        assert expected in first.replace("\r\n", "\n"), expected
    assert "石岗村一巷11号" in second and "石岗村一巷10号" not in second


def test_fonts_embedded_including_the_fallback(tmp_path: Path) -> None:
    out = tmp_path / "fonts.pdf"
    render_cards([content()], out, households={3: lines(25)})   # several chunks' worth? one
    data = out.read_bytes()
    names = set(re.findall(rb"/BaseFont /(\S+)", data))
    assert any(n.endswith(b"+DroidSansFallback") for n in names)   # 䶮 comes from it
    assert any(b"WenQuanYiMicroHei" in n for n in names)
    assert all(b"+" in n for n in names), names    # every font is an embedded subset
    assert data.count(b"/FontFile2") == len(names)
    assert "李䶮" in page_texts(out)[0]


def test_long_batches_join_chunks_into_one_valid_pdf(tmp_path: Path, monkeypatch) -> None:
    import app.cards.render as render
    monkeypatch.setattr(render, "CHUNK_SHEETS", 2)
    out = tmp_path / "many.pdf"
    done: list[int] = []
    report = render_cards([content()], out, households={3: lines(57)}, progress=done.append)
    assert (report.pages, report.cards) == (12, 57)
    assert done[-1] == 57 and done == sorted(done)
    texts = page_texts(out)
    assert len(texts) == 12
    for i in range(1, 58):
        page = (i - 1) // 10 * 2
        assert f"No. 石岗村-{i:06d}" in texts[page]
    names = re.findall(rb"/BaseFont /(\S+)", out.read_bytes())
    assert len(names) == len(set(names))   # each chunk's subsets have their own tag


def test_overlong_text_warns_naming_person_and_field(tmp_path: Path) -> None:
    long_position = "镇党委委员、镇人民政府副镇长兼镇综合行政执法办公室主任及镇应急管理办公室主任" * 2
    c = content(core=(Contact("王喆", long_position, "13900000001"),))
    warnings = check_cards([c])
    assert any("王喆" in w and "职务" in w and "印不下" in w for w in warnings), warnings
    out = tmp_path / "long.pdf"
    report = render_cards([c], out)
    assert report.warnings == warnings
    assert "…" in page_texts(out)[0]     # the cut is marked on the card, never silent
    # a normal design gives no warning
    assert check_cards([content()]) == []


def test_long_address_warns_with_serial(tmp_path: Path) -> None:
    from app.cards.content import HouseholdLine
    line = HouseholdLine(1, "石岗村" + "东风路幸福巷" * 12 + "8号", "户主", "石岗村-000001")
    report = render_cards([content()], tmp_path / "a.pdf", households={3: [line]})
    assert any("石岗村-000001" in w and "地址" in w for w in report.warnings)


def test_rare_characters_print_and_missing_glyph_warns(tmp_path: Path) -> None:
    c = content(leader=Contact("李䶮", "镇党委副书记", "13800138000"),
                core=(Contact("王\ue000明", "镇人大副主席", "13900000001"),))
    warnings = check_cards([c])
    assert len(warnings) == 1
    assert "王\ue000明" in warnings[0] and "U+E000" in warnings[0] and "姓名" in warnings[0]
    out = tmp_path / "rare.pdf"
    report = render_cards([c], out)
    assert report.warnings == warnings
    text = page_texts(out)[0]
    assert "李䶮" in text and "王" in text


def test_cancel_leaves_no_file(tmp_path: Path) -> None:
    out = tmp_path / "cancel.pdf"
    with pytest.raises(Cancelled):
        render_cards([content()], out, households={3: lines(30)}, cancelled=lambda: True)
    assert not out.exists() and not list(tmp_path.iterdir())


def test_poster_sizes_and_type(tmp_path: Path) -> None:
    c = content(support=(Contact("黄小明", "村党支部书记", "13512345678"),))
    for a3, size in ((False, (595.28, 841.89)), (True, (841.89, 1190.55))):
        out = tmp_path / f"p{a3}.pdf"
        report = render_poster(c, out, a3=a3)
        assert report.warnings == [] and report.pages == 1
        pdf = pdfium.PdfDocument(str(out))
        page = pdf[0]
        assert [round(v, 2) for v in page.get_size()] == list(size)
        text = page.get_textpage().get_text_range()
        for expected in ("石岗村驻点直联公示", "李䶮", "黄小明", "辅助团队", "0757-12345"):
            assert expected in text
        # the title is at least 36 pt on A4 (scaled by √2 on A3): measure a glyph box
        tp = page.get_textpage()
        i = text.index("石岗村驻点")
        left, bottom, right, top = tp.get_charbox(i)
        scale = 2 ** 0.5 if a3 else 1
        assert right - left >= 34 * scale        # a CJK glyph is about 1 em wide
        j = text.index("黄小明")
        l2, b2, r2, t2 = tp.get_charbox(j)
        assert r2 - l2 >= 13 * scale
        pdf.close()
