"""A printed card names its proposal on every page: each table's header (repeated by the browser on
every printed page) starts with the proposal's id and title."""

import re

import pytest

from dashboard.domain import queries
from pages import card as card_page
from pages.shared import card_view


@pytest.mark.parametrize("proposal_id", ["112-J17", "112-J01", "111-01"])
def test_every_table_of_a_card_repeats_the_id_in_its_header(session, proposal_id):
    card = queries.proposal_card(session, proposal_id=proposal_id)
    markup = card_view.card_markup(card)
    tables = re.findall(r"<table.*?</table>", markup, flags=re.S)
    assert len(tables) >= 2
    for table in tables:
        head = re.search(r"<thead>(.*?)</thead>", table, flags=re.S)
        assert head, table[:80]
        first_row = re.search(r"<tr[^>]*>(.*?)</tr>", head.group(1), flags=re.S)
        assert "bt-print-id" in head.group(1) and f"{proposal_id}　{card.proposal.title}" in first_row.group(1)


def test_the_id_rows_show_in_print_only_and_headers_repeat():
    css = card_page.CARD_CSS
    screen, printed = css.split("@media print")
    assert ".bt-print-id{display:none}" in screen
    assert "thead{display:table-header-group}" in printed and ".bt-print-id{display:table-row}" in printed


def test_a_figures_table_keeps_its_column_header_in_the_thead(session):
    markup = card_view.card_markup(queries.proposal_card(session, proposal_id="112-J17"))
    aid = next(t for t in re.findall(r"<table.*?</table>", markup, flags=re.S) if "請求縣市" in t)
    assert "請求縣市" in re.search(r"<thead>(.*?)</thead>", aid, flags=re.S).group(1)
