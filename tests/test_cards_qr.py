"""Every QR code on every page decodes, with both ZXing and ZBar, to exactly its card's vCard."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.cards.content import Contact
from app.cards.layout import PAGE_H, card_rect
from app.cards.poster import render_poster
from app.cards.qr import MIN_SIZE, QUIET, matrix
from app.cards.render import render_cards
from app.cards.vcard import escape, split_name, vcard
from tests.cards_support import DPI, content, decode_zbar, decode_zxing, lines, page_images

pytest.importorskip("zxingcpp")
pytest.importorskip("pyzbar.pyzbar")


def test_vcard_fields_and_escaping() -> None:
    c = content(team_name="第一团队;二组", town_name="云溪镇")
    who = Contact("欧阳娜娜", "村委委员,妇联主席", "13600002222")
    text = vcard(who, c)
    assert text == ("BEGIN:VCARD\r\nVERSION:3.0\r\nN:欧阳;娜娜;;;\r\nFN:欧阳娜娜\r\n"
                    "ORG:云溪镇;第一团队\\;二组\r\nTITLE:村委委员\\,妇联主席\r\n"
                    "TEL;TYPE=CELL:13600002222\r\nEND:VCARD\r\n")
    assert "TEL;TYPE=WORK:0757-12345" in vcard(Contact("张三", "", "0757-12345"), c)
    assert escape("a\\b;c,d\ne") == "a\\\\b\\;c\\,d\\ne"
    assert split_name("李䶮") == ("李", "䶮")
    assert split_name("John Smith") == ("John Smith", "")


def test_qr_is_level_m_with_eci_and_no_sensitive_data() -> None:
    import segno
    text = vcard(content().qr_contact, content())
    code = segno.make(text, error="m", boost_error=False, encoding="utf-8", eci=True, micro=False)
    assert code.error == "M"
    assert tuple(bytes(r) for r in code.matrix) == matrix(text)
    # only name, position, phone, town and team: nothing else is in the payload
    assert set(line.split(":")[0].split(";")[0] for line in text.split("\r\n") if line) == {
        "BEGIN", "VERSION", "N", "FN", "ORG", "TITLE", "TEL", "END"}


def _check_page(image, expected_by_slot: dict[int, str]) -> None:
    """Both decoders find exactly one code per back slot, in the mirrored card position."""
    scale = DPI / 72
    for decoder in (decode_zxing, decode_zbar):
        found = decoder(image)
        assert len(found) == len(expected_by_slot), decoder.__name__
        for slot, expected in expected_by_slot.items():
            r = card_rect(slot, back=True)
            inside = [t for t, (x, y) in found
                      if r.x * scale <= x <= r.right * scale
                      and (PAGE_H - r.top) * scale <= y <= (PAGE_H - r.y) * scale]
            assert inside == [expected], (decoder.__name__, slot)


def test_every_qr_on_every_page_decodes_exactly(tmp_path: Path) -> None:
    a = content()
    b = content(community_id=4, community_name="禾边社区", team_id=8,
                qr_contact=Contact("司马燊", "社区主任", "0757-22223333"))
    out = tmp_path / "cards.pdf"
    report = render_cards([a, b], out, households={3: lines(12), 4: lines(3, "禾边社区")})
    assert report.pages == 6 and report.cards == 15
    images = page_images(out)
    expected = [vcard(a.qr_contact, a)] * 10, [vcard(a.qr_contact, a)] * 2, \
        [vcard(b.qr_contact, b)] * 3
    for sheet, codes in enumerate(expected):
        assert decode_zxing(images[2 * sheet]) == []      # fronts carry no QR
        _check_page(images[2 * sheet + 1], dict(enumerate(codes)))
    assert "FN:司马燊" in expected[2][0]


def test_qr_printed_at_least_20mm(tmp_path: Path) -> None:
    out = tmp_path / "one.pdf"
    render_cards([content()], out, households={3: lines(1)})
    image = page_images(out)[1]
    from pyzbar import pyzbar
    (code,) = pyzbar.decode(image.convert("L"))
    n = len(matrix(vcard(content().qr_contact, content())))
    width_mm = code.rect.width / DPI * 25.4 * (n + 2 * QUIET) / n
    assert width_mm >= MIN_SIZE / 72 * 25.4 - 0.3


def test_poster_qr_decodes(tmp_path: Path) -> None:
    for a3 in (False, True):
        out = tmp_path / f"poster{a3}.pdf"
        render_poster(content(), out, a3=a3)
        (image,) = page_images(out, dpi=200)
        expected = vcard(content().qr_contact, content())
        assert [t for t, _p in decode_zxing(image)] == [expected]
        assert [t for t, _p in decode_zbar(image)] == [expected]
