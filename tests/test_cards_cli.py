"""``python main.py cards`` and ``poster`` on the demo town, signed in; the PDFs read back."""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium
import pytest

from app.cli import main
from app.db import open_database
from app.models import AuditEntry
from tests.cards_support import decode_zbar, decode_zxing, page_images, page_texts

pytestmark = [pytest.mark.sqlite_only, pytest.mark.slow]


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from app import demo as demo_module

    # the town up to its cards: the ledgers, visits, meetings … after them are not printed here
    steps = demo_module.STEPS
    demo_module.STEPS = steps[:[name for name, _ in steps].index("cards") + 1]
    try:
        path = tmp_path_factory.mktemp("demo") / "demo.db"
        assert main(["demo", "--db", str(path)]) == 0
    finally:
        demo_module.STEPS = steps
    return path


@pytest.fixture(autouse=True)
def signed_in(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZHILIAN_USER", "admin")
    monkeypatch.setenv("ZHILIAN_PASSWORD", "demo")


def _contents(path: Path):
    from app.auth import Actor
    from app.services.cards import card_content, card_targets
    db = open_database(path).act_as(Actor.program())
    with db.session() as s:
        contents = [card_content(s, t.team_id, t.community_id) for t in card_targets(s)]
    db.close()
    return contents


def test_cards_for_one_community_per_household(demo_db: Path, tmp_path: Path, capsys) -> None:
    from app.cards.vcard import vcard
    target = _contents(demo_db)[0]
    out = tmp_path / "cards.pdf"
    assert main(["cards", "--db", str(demo_db), "--out", str(out), "--team", target.team_name,
                 "--community", target.community_name, "--households"]) == 0
    said = capsys.readouterr().out
    assert "已保存联系卡" in said
    pdf = pdfium.PdfDocument(str(out))
    pages = len(pdf)
    pdf.close()
    assert pages % 2 == 0 and pages >= 2
    texts = page_texts(out)
    assert target.community_name in texts[0] and "发放到户" in texts[0]
    assert target.leader is None or target.leader.name in texts[0]
    # every QR on the first back page and the last decodes to the design's vCard
    images = page_images(out, pages=[1, -1])
    expected = vcard(target.qr_contact, target)
    for back in images:
        assert {t for t, _p in decode_zxing(back)} == {expected}
        assert {t for t, _p in decode_zbar(back)} == {expected}
    db = open_database(demo_db)
    with db.session() as s:
        entries = s.query(AuditEntry).filter(AuditEntry.action == "print").all()
        assert any(out.name in e.summary for e in entries)
    db.close()


def test_cards_all_designs_front_only_and_poster(demo_db: Path, tmp_path: Path) -> None:
    contents = _contents(demo_db)
    out = tmp_path / "all.pdf"
    assert main(["cards", "--db", str(demo_db), "--out", str(out), "--front-only"]) == 0
    texts = page_texts(out)
    assert len(texts) == len(contents)           # one sheet of ten per design, fronts only
    for content, text in zip(contents, texts):
        assert content.community_name in text
    poster = tmp_path / "poster.pdf"
    assert main(["poster", "--db", str(demo_db), "--out", str(poster), "--a3"]) == 0
    pdf = pdfium.PdfDocument(str(poster))
    assert len(pdf) == len(contents)
    assert [round(v) for v in pdf[0].get_size()] == [842, 1191]
    pdf.close()


def test_unknown_team_is_a_chinese_error(demo_db: Path, tmp_path: Path, capsys) -> None:
    assert main(["cards", "--db", str(demo_db), "--out", str(tmp_path / "x.pdf"),
                 "--team", "没有这个团队"]) == 1
    assert "找不到驻点团队“没有这个团队”" in capsys.readouterr().err
    assert not (tmp_path / "x.pdf").exists()


def test_card_coverage_command_exports_and_obeys_roles(demo_db: Path, tmp_path: Path,
                                                       capsys, monkeypatch) -> None:
    from openpyxl import load_workbook

    out = tmp_path / "发放情况.xlsx"
    assert main(["card-coverage", "--db", str(demo_db), "--out", str(out)]) == 0
    said = capsys.readouterr().out
    assert "已导出" in said and "%" in said
    book = load_workbook(out, read_only=True)
    assert book.sheetnames == ["发放汇总", "未发放住户"]
    book.close()
    monkeypatch.setenv("ZHILIAN_USER", "lingdao")  # a leader may not export names and phones
    assert main(["card-coverage", "--db", str(demo_db), "--out", str(tmp_path / "x.xlsx")]) == 1
    assert "没有“导出名册”的权限" in capsys.readouterr().err
    assert not (tmp_path / "x.xlsx").exists()
