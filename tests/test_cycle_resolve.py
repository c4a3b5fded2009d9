"""Every year a user gives (on the command line, in a document's request, in a page's URL) is read by
one resolver, dashboard/domain/cycles.py, and refused with the same words wherever it was typed."""

import pytest

from dashboard.cli import main
from dashboard.documents import bundles
from dashboard.domain import cycles
from pages.shared import year_choice

HELD = [112, 113]
NOT_A_YEAR = "年度應為民國年的整數，不是「{}」"
NOT_HELD = "資料庫沒有 {} 年度的資料；可用的年度：112、113"


@pytest.mark.parametrize("typed", ["113", " 113 ", "113年度", "113年", 113])
def test_a_year_is_read_however_it_is_written(typed):
    assert cycles.parse(typed) == 113


@pytest.mark.parametrize("typed", ["下一年", "abc", "-1", "0", "11.5", "12345", "", True, None])
def test_what_is_not_a_year_is_refused_saying_what_was_typed(typed):
    with pytest.raises(cycles.CycleError, match=NOT_A_YEAR.format(typed)):
        cycles.parse(typed)


def test_no_request_is_the_current_cycle():
    assert cycles.resolve(None, held=HELD) == 113
    assert cycles.resolve("  ", held=HELD) == 113


def test_a_held_cycle_is_resolved_to_itself():
    assert cycles.resolve("112年度", held=HELD) == 112


@pytest.mark.parametrize(
    "requested, message",
    [
        ("99", NOT_HELD.format(99)),
        (114, NOT_HELD.format(114)),
        ("今年", NOT_A_YEAR.format("今年")),
    ],
)
def test_a_cycle_the_store_does_not_hold_is_refused_with_the_choices(requested, message):
    with pytest.raises(cycles.CycleError, match=message):
        cycles.resolve(requested, held=HELD)


def test_an_empty_store_has_no_cycle_to_resolve():
    with pytest.raises(cycles.CycleError, match="資料庫中沒有任何年度的提案或會議"):
        cycles.resolve(None, held=[])


def test_the_cycles_around_one_are_computed_by_the_cycle():
    cycle = cycles.Cycle(113)
    assert (cycle.previous, cycle.next, cycle.label) == (112, 114, "113年度")
    assert cycles.latest(HELD) == 113 and cycles.latest([]) is None


# --- the same words at every door ----------------------------------------------------------------


def test_a_document_request_says_what_the_resolver_says(session):
    with pytest.raises(bundles.BundleError, match=NOT_A_YEAR.format("abc")):
        bundles.group_bundle(session, group="transport", cycle="abc")
    with pytest.raises(bundles.BundleError, match=NOT_HELD.format(99).split("；")[0]):
        bundles.city_bundle(session, city="臺北市", cycle=99)


def test_a_page_url_names_no_cycle_when_the_resolver_refuses_it():
    assert year_choice.resolve("abc", HELD) == (113, True)
    assert year_choice.resolve("99", HELD) == (113, True)
    assert year_choice.resolve("112年度", HELD) == (112, False)
    assert year_choice.resolve(None, HELD) == (113, False)


@pytest.mark.parametrize(
    "args",
    [
        ["packet", "下一年", "p.docx"],
        ["new-year", "下一年", "--host-city", "新北市", "--form", "線上", "--meeting-date", "2024-10-23"],
        ["export-sheet", "x.xlsx", "--cycle", "下一年"],
        ["export-sheet", "x.xlsx", "--year", "下一年"],
        ["bundle", "x.docx", "--group", "transport", "--cycle", "下一年"],
        ["city-summary", "臺北市", "x.docx", "--year", "下一年"],
    ],
)
def test_every_command_refuses_a_year_that_is_not_one_in_the_same_words(store_file, tmp_path, capsys, args):
    args = [str(tmp_path / a) if a.endswith((".docx", ".xlsx")) else a for a in args]
    try:
        code = main(args)
    except SystemExit as exit_:  # argparse refuses a positional year before the command runs
        code = exit_.code
    assert code != 0
    assert NOT_A_YEAR.format("下一年") in capsys.readouterr().err
    assert not list(tmp_path.glob("x.*")) and not (tmp_path / "p.docx").exists()
