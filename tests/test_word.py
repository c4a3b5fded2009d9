"""The Word toolkit's measures: ids and times fit the columns sized for them, lists of ids break
between ids. The measure is checked against Liberation Serif, the face LibreOffice prints Times New
Roman with (deploy/fonts.conf; fonts-liberation2, which .ci/run installs)."""

import os
import shutil
import subprocess

import pytest

from dashboard.documents import word
from tests.rendering import FONTS_CONF

IDS = ["111-01", "112-C06", "112-J34", "113-J100"]
TIMES = ["14:00–14:30", "15:45-15:55"]


def _times_face() -> str:
    """The file fontconfig prints Times New Roman with, through deploy/fonts.conf."""
    fc_match = shutil.which("fc-match")
    if fc_match is None:
        pytest.skip("fc-match (fontconfig) is not installed")
    found = subprocess.run(
        [fc_match, "--format=%{file}", "Times New Roman"],
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, "FONTCONFIG_FILE": str(FONTS_CONF)},
    ).stdout
    if "LiberationSerif" not in found:
        pytest.fail(f"Times New Roman is printed with {found}, not Liberation Serif (install fonts-liberation2)")
    return found


@pytest.mark.parametrize("text", IDS + TIMES)
def test_the_measure_is_the_printed_width_with_headroom(text):
    """Never short of the printed width (with kerning, e.g. 「11」, the print is a little narrower)."""
    from PIL import ImageFont

    face = ImageFont.truetype(_times_face(), 1000)
    printed_cm = face.getlength(text) / 1000 * 12 / 72 * 2.54  # at 12 pt
    assert printed_cm * word.SAFETY <= word.text_width_cm(text, 12) <= printed_cm * word.SAFETY * 1.05


def test_a_column_widens_for_its_widest_id_and_the_table_keeps_its_width():
    widths = [1.4, 1.5, 2.6, 5.9, 2.2, 3.4]
    fitted = word.fit_column(widths, 1, IDS, 12, taking_from=3)
    assert fitted[1] >= word.text_width_cm("113-J100", 12) + word.CELL_PADDING_CM
    assert sum(fitted) == pytest.approx(sum(widths))
    assert [w for i, w in enumerate(fitted) if i not in (1, 3)] == [1.4, 2.6, 2.2, 3.4]
    assert word.fit_column(fitted, 1, IDS, 12, taking_from=3) == fitted  # wide enough: unchanged


def test_a_list_of_ids_breaks_only_between_ids():
    ids = [f"112-J{n:02d}" for n in range(1, 35)]
    lines = word.lines_within(ids, "、", 6.0, 9.5)
    assert len(lines) > 1
    assert "".join(lines) == "、".join(ids)
    assert all(line.endswith("、") for line in lines[:-1])
    assert all(word.text_width_cm(line, 9.5) <= 6.0 - word.CELL_PADDING_CM for line in lines)


def test_a_header_word_never_breaks_its_column_widens_from_the_widest():
    from docx import Document

    table = word.grid(
        Document(), ["項次", "議題組別", "對應\n中央部會", "說明/進度"], [], [1.0, 1.5, 1.5, 13.0], size_pt=11
    )
    widths = [column.width.cm for column in table.columns]
    for text, width in zip(["項次", "議題組別", "中央部會"], widths):
        assert word.text_width_cm(text, 11) + word.CELL_PADDING_CM <= width
    assert sum(widths) == pytest.approx(17.0, abs=0.01) and widths[3] < 13.0


def test_a_header_phrase_too_long_for_any_column_breaks_into_even_lines():
    assert word.balanced_lines("參與民眾所屬縣市", 1.8, 9) == "參與民眾\n所屬縣市"
    assert word.balanced_lines("縣市", 1.8, 9) == "縣市"
    assert word.words("文化教育組-教育組\n新北市政府") == ["文化教育組-", "教育組", "新北市政府"]


def test_a_caption_row_leads_its_table_across_its_columns_and_keeps_with_it():
    """A table's caption in its first row (LibreOffice keeps a row with the next, not a paragraph in a
    cell with the table after it): one cell across the columns, open above and beside, repeated like
    the labels after it; keep_together then holds caption, labels and rows on one page."""
    from docx import Document
    from docx.oxml.ns import qn

    table = word.grid(Document(), ["項次", "縣市"], [["1", "新竹縣"], ["2", "苗栗縣"]], [1.0, 2.0], size_pt=9)
    cell = word.caption_row(table, "新竹市協請其他縣市支援之數量", size_pt=10)
    word.keep_together(table)
    caption, labels, *body = table.rows
    assert [c.text for c in caption.cells] == ["新竹市協請其他縣市支援之數量"] * 2 and caption.cells[0]._tc is cell._tc
    assert [c.text for c in labels.cells] == ["項次", "縣市"] and [[c.text for c in r.cells] for r in body][0] == [
        "1",
        "新竹縣",
    ]
    assert [r._tr.trPr.find(qn("w:tblHeader")) is not None for r in table.rows] == [True, True, False, False]
    borders = cell._tc.tcPr.find(qn("w:tcBorders"))
    assert {b.tag.split("}")[1]: b.get(qn("w:val")) for b in borders} == {"top": "nil", "left": "nil", "right": "nil"}
    assert all(p.paragraph_format.keep_with_next for r in table.rows[:-1] for c in r.cells for p in c.paragraphs)
    assert all(r._tr.trPr.find(qn("w:cantSplit")) is not None for r in table.rows)
