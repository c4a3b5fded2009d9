"""The packet's 合作提案單 as the 112 source binds and prints them: each group's cards in the source's
order under the heading the source prints, nothing the source lacks unless asked for (the CLI's flags,
the meeting page's boxes), and a card that runs past its page repeating 「合作提案 ‹名稱›」 on the next.

Expected values are the source's (tests/packet_facts.py); titles are looked up in data/ by id.
"""

import io
import re
from types import SimpleNamespace

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph
from sqlmodel import Session

from dashboard.cli import main
from dashboard.documents import card_docx, packet
from dashboard.domain import vocab
from dashboard.domain.frames import AID_KINDS
from dashboard.store.models import Proposal
from tests import packet_facts as facts
from tests.test_packet import YEAR, blocks, curated, flat, progress_cell

ALL = packet.PacketOptions(**dict.fromkeys(packet.OPTION_LABELS, True))
CARD_HEADING = re.compile(r"^\d+ 年「北臺區域發展推動委員會」\n(.*合作(?:議題)?提案單)$")
ID_LINE = re.compile(r"^\d{3}-[CJ]\d{2}　")


@pytest.fixture(scope="module")
def documents(loaded_engine):
    """The packet as the CLI and the page give it by default, and with every addition."""
    with Session(loaded_engine) as s:
        plain = packet.packet_docx(s, cycle=YEAR)
        added = packet.packet_docx(s, cycle=YEAR, options=ALL)
    return Document(io.BytesIO(plain)), Document(io.BytesIO(added))


@pytest.fixture(scope="module")
def plain(documents):
    return documents[0]


@pytest.fixture(scope="module")
def added(documents):
    return documents[1]


def cards(document) -> list[tuple[str, str, list]]:
    """(heading line, card title, the blocks up to the next card) of every card, in binding order."""
    found: list[tuple[str, str, list]] = []
    heading = None
    for block in blocks(document):
        if isinstance(block, Paragraph) and (m := CARD_HEADING.match(block.text)):
            heading = m.group(1)
            found.append((heading, "", []))
        elif heading is not None:
            head, title, body = found[-1]
            if not title and isinstance(block, Table) and flat(block.rows[0].cells[0].text) == "合作提案":
                title = flat(block.rows[0].cells[1].text)
            if isinstance(block, Paragraph) and block.text.startswith("主辦單位："):
                break  # the back page
            found[-1] = (head, title, [*body, block])
    return found


def card_of(document, proposal_id: str) -> list:
    p = curated()[proposal_id]
    title = flat(p.get("card_title") or p["title"])
    (body,) = [body for _, t, body in cards(document) if t == title]
    return body


def texts(body: list) -> list[str]:
    """Every paragraph's text of the blocks, table cells' included, in order."""
    found = []
    for block in body:
        if isinstance(block, Paragraph):
            found.append(block.text)
        else:
            found += [Paragraph(element, block).text for element in block._element.iter(qn("w:p"))]
    return found


def card_labels(body: list) -> list[str]:
    """The labels of the card's own table (the first one)."""
    table = next(b for b in body if isinstance(b, Table))
    return [flat(row.cells[0].text) for row in table.rows]


# --- order and headings ------------------------------------------------------------------------


def test_each_groups_cards_in_the_source_order_under_the_source_heading(plain):
    data = curated()
    expected = [
        (heading, flat(data[pid].get("card_title") or data[pid]["title"]))
        for heading, ids in facts.CARD_HEADINGS
        for pid in ids
    ]
    assert [(heading, title) for heading, title, _ in cards(plain)] == expected


def test_j06_is_a_proposal_of_an_issue_and_the_dash_is_the_sources(plain):
    headings = [heading for heading, _, _ in cards(plain)]
    assert "「文化教育組-教育組」合作議題提案單" in headings
    assert headings.count("「防災治安組–防災組」合作提案單") == 4  # an en dash, as printed
    assert "「防災治安組-防災組」合作提案單" not in headings


def test_a_group_bundle_binds_its_cards_as_the_packet(session):
    from dashboard.documents import bundles

    ids = bundles.group_bundle(session, group="transport", cycle=YEAR).ids
    new = [pid for pid in ids if not pid.startswith(f"{facts.CARRIED_YEAR}-")]
    assert new == dict(facts.CARD_HEADINGS)["「交通運輸組」合作提案單"]
    assert ids[: len(ids) - len(new)] == [pid for pid in ids if pid not in new]  # carried rows first


def test_a_later_cycles_cards_without_a_place_follow_their_ids_within_their_group():
    groups = {
        "transport": SimpleNamespace(kind=vocab.TOPIC, sort_order=5),
        "development": SimpleNamespace(kind=vocab.DEVELOPMENT, sort_order=1),
    }

    def proposal(pid, group, position=None):
        return Proposal(id=pid, group_id=group, subgroup_id=None, card_position=position)

    proposals = [
        proposal("113-J02", "transport"),
        proposal("113-C01", "development"),
        proposal("113-J01", "transport"),
        proposal("113-C02", "transport"),
        proposal("113-J03", "transport", position=1),  # one placed: before those without a place
    ]
    assert packet.card_order(groups, proposals) == ["113-J03", "113-C02", "113-J01", "113-J02", "113-C01"]


# --- nothing the source lacks, unless asked ----------------------------------------------------


def test_by_default_the_cards_are_the_paper_cards_only(plain):
    for _, _, body in cards(plain):
        lines = texts(body)
        assert not [line for line in lines if ID_LINE.match(line)]
        assert "中央部會" not in card_labels(body)
        assert not {"辦理情形", "相關數據"} & {line.strip() for line in lines}
        assert not [line for line in lines if line.startswith("跨區救災救護支援及轉報統計")]
        assert not set(AID_KINDS.values()) & {line.strip() for line in lines}


def test_by_default_the_mutual_aid_row_has_no_period_line_of_its_own(plain):
    cell = progress_cell(plain, curated(), facts.MUTUAL_AID_PROPOSAL)
    assert flat(facts.MUTUAL_AID_PERIOD_ROC) in flat(cell.text)  # the progress text gives it, as printed
    assert not [p.text for p in cell.paragraphs if p.text.startswith("統計區間")]


def test_with_every_option_every_addition_is_printed(added):
    central = card_of(added, "112-C01")
    assert f"112-C01　{vocab.TRACKS[vocab.CENTRAL]}" in texts(central)
    assert card_labels(central)[-1] == "中央部會"
    assert {"辦理情形"} <= {line.strip() for line in texts(central)}
    aid = texts(card_of(added, facts.MUTUAL_AID_PROPOSAL))
    assert any(line.startswith("跨區救災救護支援及轉報統計") for line in aid)
    assert set(AID_KINDS.values()) <= {line.strip() for line in aid}
    assert "相關數據" in {line.strip() for line in texts(card_of(added, facts.GREEN_TOURISM_PROPOSAL))}
    cell = progress_cell(added, curated(), facts.MUTUAL_AID_PROPOSAL)
    assert flat(f"統計區間：{facts.MUTUAL_AID_PERIOD_ROC}") in [flat(p.text) for p in cell.paragraphs]


@pytest.mark.parametrize(
    ("option", "proposal_id", "shows"),
    [
        ("id_line", "112-J01", lambda lines, labels: "112-J01　八縣市共同合作" in lines),
        ("ministry_row", "112-C01", lambda lines, labels: labels[-1] == "中央部會"),
        ("progress", "112-J01", lambda lines, labels: "辦理情形" in lines),
        ("indicators", "112-J32", lambda lines, labels: "相關數據" in lines),
        ("mutual_aid", "112-J17", lambda lines, labels: set(AID_KINDS.values()) <= set(lines)),
    ],
)
def test_each_card_option_adds_its_part_alone(session, option, proposal_id, shows):
    def card(options):
        document = card_docx.new_document()
        card_docx.add_card(document, session, proposal_id=proposal_id, options=options)
        body = blocks(document)
        return [line.strip() for line in texts(body)], card_labels(body)

    assert not shows(*card(card_docx.CardOptions()))
    assert shows(*card(card_docx.CardOptions(**{option: True})))
    others = {name: True for name in card_docx.CardOptions.__dataclass_fields__ if name != option}
    assert not shows(*card(card_docx.CardOptions(**others)))


def test_each_packet_option_names_a_card_option_or_the_packets_own():
    assert set(packet.OPTION_LABELS) == set(packet.PacketOptions.__dataclass_fields__)
    assert all(value is False for value in vars(packet.PacketOptions()).values())
    assert vars(ALL.card) == vars(card_docx.EVERYTHING)


def test_j32s_figures_are_dated_as_the_source_dates_them(session):
    document = card_docx.new_document()
    card_docx.add_card(document, session, proposal_id=facts.GREEN_TOURISM_PROPOSAL, options=card_docx.EVERYTHING)
    lines = [line.strip() for line in texts(blocks(document))]
    assert facts.GREEN_TOURISM_AS_OF_ROC in lines
    assert "112年6月5日" not in lines  # the day the count started is no date of the figures


def test_cli_flags_add_what_they_name(db_url, tmp_path, capsys):
    out = tmp_path / "packet.docx"
    assert main(["packet", str(YEAR), str(out), "--card-ids", "--card-progress"]) == 0
    capsys.readouterr()
    body = card_of(Document(str(out)), "112-C01")
    lines = [line.strip() for line in texts(body)]
    assert "辦理情形" in lines and any(ID_LINE.match(line) for line in lines)
    assert "中央部會" not in card_labels(body) and "相關數據" not in lines


def test_the_meeting_page_offers_every_addition_unticked(store_url):
    from tests.pagetest import open_page

    at = open_page("meeting")
    assert not at.exception
    boxes = {c.label: c.value for c in at.checkbox}
    assert {label: boxes.get(label) for label in packet.OPTION_LABELS.values()} == dict.fromkeys(
        packet.OPTION_LABELS.values(), False
    )


# --- a card past its page ----------------------------------------------------------------------


def test_the_cards_first_row_repeats_on_every_page(plain):
    for _, _, body in cards(plain):
        table = next(b for b in body if isinstance(b, Table))
        flags = [row._tr.find(qn("w:trPr")) for row in table.rows]
        repeated = [f is not None and f.find(qn("w:tblHeader")) is not None for f in flags]
        assert repeated == [True] + [False] * (len(table.rows) - 1)


@pytest.mark.render
def test_a_card_past_its_page_repeats_its_title_on_the_next(printed):
    """Skipped without LibreOffice, unless REQUIRE_LIBREOFFICE=1 or REQUIRE_BROWSER=1 (CI)."""
    pages = [text for _, text in printed.pages["packet.docx"]]
    starts = [i for i, text in enumerate(pages) if re.search(r"」合作(?:議題)?提案單", text)]
    pid, title = facts.CONTINUED_CARD
    first = next(i for i in starts if flat(title) in flat(pages[i]))
    assert first + 1 not in starts, "the card runs past its page"
    top = [line for line in pages[first + 1].splitlines() if line.strip()][0]
    assert flat(top) == flat(f"合作提案{title}")
    for i in starts:  # every other continuation page too: its first line is its card's title row
        if i + 1 < len(pages) and i + 1 not in starts and "主辦單位：" not in pages[i + 1]:
            own = re.search(r"合作提案 +(.+)", pages[i])
            top = next(line for line in pages[i + 1].splitlines() if line.strip())
            assert own and flat(top).startswith(flat(f"合作提案{own.group(1)}"))
