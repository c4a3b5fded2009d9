"""The meeting packet generated from the store holds every figure of the 112 source packet.

Expected values are the source's (tests/packet_facts.py, shared with test_fidelity) and, for the
one-row-per-proposal checks, the curated data/ files the store is loaded from; nothing is taken
from the generated document itself.
"""

import io
import re
from datetime import date, time

import pytest
import yaml
from docx import Document
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph
from sqlmodel import Session, select

from dashboard.cli import main
from dashboard.documents import packet
from dashboard.domain import vocab
from dashboard.store.config import DATA_DIR
from dashboard.store.models import GroupMeeting, Meeting, Proposal, ProposalLead
from tests import packet_facts as facts

YEAR = 112  # the source packet's cycle
NEW_COUNT = facts.CENTRAL_COUNT + facts.JOINT_COUNT


# --- reading a .docx back -------------------------------------------------------------------


def flat(text: str) -> str:
    """Text without whitespace: the source's PDF dump spaces and breaks lines at random."""
    return re.sub(r"\s+", "", text)


def blocks(document) -> list:
    """The body's paragraphs and tables, in document order."""
    found = []
    for child in document.element.body.iterchildren():
        if child.tag == qn("w:p"):
            found.append(Paragraph(child, document))
        elif child.tag == qn("w:tbl"):
            found.append(Table(child, document))
    return found


def paragraph_texts(document) -> list[str]:
    return [flat(b.text) for b in blocks(document) if isinstance(b, Paragraph) and b.text.strip()]


def tables_after(document, heading: str) -> list[Table]:
    """The tables between the paragraph `heading` (whitespace ignored) and the next paragraph with text."""
    seen, found = False, []
    for block in blocks(document):
        if isinstance(block, Paragraph):
            if seen and block.text.strip():
                break
            seen = seen or flat(block.text) == flat(heading)
        elif seen:
            found.append(block)
    assert seen, f"no heading {heading!r}"
    return found


def rows(table: Table) -> list[list[str]]:
    """Body rows (the header row left out), each cell's own text (nested tables not included)."""
    return [[cell.text for cell in row.cells] for row in table.rows[1:]]


def header(table: Table) -> list[str]:
    return [flat(cell.text) for cell in table.rows[0].cells]


def row_of(table: Table, item_no: int):
    matches = [row for row in table.rows[1:] if row.cells[0].text.strip() == str(item_no)]
    assert len(matches) == 1, f"項次 {item_no}: {len(matches)} rows"
    return matches[0]


def curated() -> dict[str, dict]:
    """data/proposals/*.yaml by id: what the store was loaded from."""
    return {
        p["id"]: p
        for p in (
            yaml.safe_load(f.read_text(encoding="utf-8")) for f in sorted((DATA_DIR / "proposals").glob("*.yaml"))
        )
    }


@pytest.fixture(scope="module")
def docx(loaded_engine):
    with Session(loaded_engine) as s:
        content = packet.packet_docx(s, cycle=YEAR)
    return Document(io.BytesIO(content))


@pytest.fixture(scope="module")
def data_files():
    return curated()


# --- the order of the sections --------------------------------------------------------------


def test_sections_in_the_order_of_the_source(docx):
    c = facts.CARRIED_YEAR
    headings = [
        *(flat(line) for line in facts.TITLE_LINES),
        "壹、會議議程",
        "五、會議議程：",
        f"貳、{YEAR}年度北臺執行進度說明",
        "一、發展推動組工作辦理情形",
        "二、各議題組會議辦理情形",
        "三、幕僚會議辦理情形",
        "參、討論事項",
        f"一、{c}年度合作方案擬解除列管",
        f"（一）擬解除列管{c}年度合作方案，共{facts.DELIST_COUNT}案",
        f"（二）擬持續列管{c}年度合作方案，共{facts.KEEP_COUNT}案",
        f"二、{YEAR}年度新增合作提案：",
        f"（一）{YEAR}年度新增合作提案，請求中央協助（共{facts.CENTRAL_COUNT}案）",
        f"（二）{YEAR}年度新增合作提案，八縣市共同合作（共{facts.JOINT_COUNT}案）",
    ]
    texts = paragraph_texts(docx)
    positions = [texts.index(h) for h in headings]
    assert positions == sorted(positions)
    cards = [i for i, t in enumerate(texts) if re.search(r"合作(?:議題)?提案單$", t)]  # 112-J06: 合作議題提案單
    assert len(cards) == NEW_COUNT and cards[0] > positions[-1]
    organisers = [i for i, t in enumerate(texts) if t.startswith("主辦單位：")]
    assert organisers and organisers[-1] > cards[-1]  # the back page
    intro = (
        f"{c}年度列管合作方案共計{facts.DELIST_COUNT + facts.KEEP_COUNT}案；今年度依各議題組會議決議，"
        f"解除列管{facts.DELIST_COUNT}案，持續列管{facts.KEEP_COUNT}案。"
    )
    assert intro in texts


# --- 壹 會議議程 ----------------------------------------------------------------------------


def test_meeting_name_chair_time_and_venue(docx):
    texts = paragraph_texts(docx)
    assert flat(f"一、會議名稱：{facts.MEETING_NAME}") in texts
    assert flat(f"二、會議主持人：{' '.join(facts.MEETING_CHAIR)}") in texts
    assert (
        flat(f"三、會議時間：{facts.MEETING_DATE_ROC}（{facts.MEETING_WEEKDAY}）{facts.MEETING_START_WORDS}") in texts
    )
    assert flat(f"四、會議地點：{facts.MEETING_VENUE}（網址：{facts.MEETING_URL}）") in texts


def test_agenda_times_and_topics(docx):
    (table,) = tables_after(docx, "五、會議議程：")
    assert header(table) == ["時間", "時間", "主題（內容）"]  # 時間 spans two columns
    body = rows(table)
    assert len(body) == len(facts.AGENDA_TIMES)
    for (when, length, _), (start, minutes), following in zip(
        body, facts.AGENDA_TIMES, [*facts.AGENDA_TIMES[1:], None]
    ):
        assert when == (f"{start}-{following[0]}" if following else f"{start} -")
        assert length == (f"{minutes} 分鐘" if minutes else "")
    topics = flat("".join(topic for _, _, topic in body))
    positions = [topics.index(t) for t in facts.AGENDA_TOPICS]
    assert positions == sorted(positions)


def test_organisers_on_the_back_page(docx):
    texts = paragraph_texts(docx)
    assert f"執行單位：{facts.EXECUTING_ORGANISER}" in texts


# --- 貳 執行進度說明 ------------------------------------------------------------------------


@pytest.mark.parametrize(("heading", "group", "host", "line"), facts.MEETING_LOG)
def test_meeting_log_line(docx, heading, group, host, line):
    number = {"發展推動組工作辦理情形": "一", "各議題組會議辦理情形": "二", "幕僚會議辦理情形": "三"}[heading]
    (table,) = tables_after(docx, f"{number}、{heading}")
    assert header(table) == ["組別", f"主辦單位({facts.LOG_HOST_CITY})", "進度說明"]
    lines = [flat(x) for g, h, text in rows(table) if flat(g) == group and flat(h) == host for x in text.splitlines()]
    assert flat(line) in lines


def test_meeting_log_holds_every_meeting_once(docx):
    lines = []
    for number, heading in zip("一二三", ["發展推動組工作辦理情形", "各議題組會議辦理情形", "幕僚會議辦理情形"]):
        (table,) = tables_after(docx, f"{number}、{heading}")
        lines += [x for _, _, text in rows(table) for x in dict.fromkeys(text.splitlines())]  # merged cells repeat
    assert sorted(flat(x) for x in lines) == sorted(flat(entry[3]) for entry in facts.MEETING_LOG)


# --- 參 討論事項 ----------------------------------------------------------------------------


def carried_table(docx, delist: bool) -> Table:
    c = facts.CARRIED_YEAR
    heading = (
        f"（一）擬解除列管{c}年度合作方案，共{facts.DELIST_COUNT}案"
        if delist
        else f"（二）擬持續列管{c}年度合作方案，共{facts.KEEP_COUNT}案"
    )
    (table,) = tables_after(docx, heading)
    return table


def new_table(docx, track: str) -> Table:
    number, count = ("一", facts.CENTRAL_COUNT) if track == vocab.CENTRAL else ("二", facts.JOINT_COUNT)
    (table,) = tables_after(docx, f"（{number}）{YEAR}年度新增合作提案，{vocab.TRACKS[track]}（共{count}案）")
    return table


def table_of(docx, p: dict) -> Table:
    if p["track"] == vocab.CARRIED:
        return carried_table(docx, p["tracking_status"] in vocab.DELIST_STATUSES)
    return new_table(docx, p["track"])


def test_table_headers_as_in_the_source(docx):
    assert header(carried_table(docx, True)) == ["項次", "議題組別", "主辦單位", "提案名稱", "解除列管原因"]
    assert header(carried_table(docx, False)) == ["項次", "議題組別", "主辦單位", "提案名稱", "持續列管原因"]
    assert header(new_table(docx, vocab.CENTRAL)) == [
        "項次",
        "議題組別",
        "提案單位",
        "提案名稱",
        "對應中央部會",
        "說明/進度",
    ]
    assert header(new_table(docx, vocab.JOINT)) == ["項次", "議題組別", "提案單位", "提案名稱", "說明/進度"]


def test_each_table_holds_as_many_proposals_as_the_source(docx):
    assert len(rows(carried_table(docx, True))) == facts.DELIST_COUNT
    assert len(rows(carried_table(docx, False))) == facts.KEEP_COUNT
    assert len(rows(new_table(docx, vocab.CENTRAL))) == facts.CENTRAL_COUNT
    assert len(rows(new_table(docx, vocab.JOINT))) == facts.JOINT_COUNT


def agencies(cell_text: str) -> list[str]:
    """The agencies of a unit cell, which prints each with its city government on a line of its own
    (新北市政府 / 交通局: the column breaks between words)."""
    found: list[str] = []
    for line in cell_text.splitlines():
        if found and found[-1].endswith("政府") and not line.endswith("政府"):
            found[-1] += line
        else:
            found.append(line)
    return found


@pytest.mark.parametrize("pid", sorted(curated()))
def test_every_proposal_in_its_table_with_title_units_and_text(docx, data_files, pid):
    p = data_files[pid]
    cells = [cell.text for cell in row_of(table_of(docx, p), p["item_no"]).cells]
    assert cells[3] == p["title"]
    assert agencies(cells[2]) == [lead["unit"] for lead in p["lead_units"]]
    if p["track"] == vocab.CARRIED:
        assert flat(cells[4]) == flat(p["tracking_reason"])
    else:
        assert flat(cells[-1]).startswith(flat(p["progress"]))
    if p["track"] == vocab.CENTRAL:
        assert cells[4].replace("\n", "") == p["central_ministry"].replace("\n", "")  # a name a line


@pytest.mark.parametrize(("pid", "title"), facts.TITLES)
def test_titles_as_printed_in_the_source(docx, data_files, pid, title):
    assert row_of(table_of(docx, data_files[pid]), data_files[pid]["item_no"]).cells[3].text == title


@pytest.mark.parametrize(("pid", "units", "cities"), facts.LEAD_UNITS)
def test_lead_units_as_printed_in_the_source(docx, data_files, pid, units, cities):
    assert agencies(row_of(table_of(docx, data_files[pid]), data_files[pid]["item_no"]).cells[2].text) == units


def test_delisting_reason_as_printed_in_the_source(docx, data_files):
    p = data_files["111-05"]
    assert flat(row_of(carried_table(docx, True), p["item_no"]).cells[4].text) == flat(facts.DELISTING_REASON_111_05)


def progress_cell(docx, data_files, pid):
    p = data_files[pid]
    return row_of(new_table(docx, p["track"]), p["item_no"]).cells[-1]


def test_every_mutual_aid_figure_in_the_row_of_its_proposal(docx, data_files):
    cell = progress_cell(docx, data_files, facts.MUTUAL_AID_PROPOSAL)
    # The period as the progress text gives it; the 統計區間 line of its own only when asked
    # (PacketOptions.period_line, tests/test_packet_cards.py).
    assert flat(facts.MUTUAL_AID_PERIOD_ROC) in flat(cell.text)
    # each table's caption in its first row, across its columns (kept on the page of its table)
    assert not [p.text for p in cell.paragraphs if "協請其他縣市" in p.text], "no caption apart from its table"
    captions = [flat(table.rows[0].cells[0].text) for table in cell.tables]
    requesting = list(dict.fromkeys(row[0] for row in facts.MUTUAL_AID))
    assert captions == facts.MUTUAL_AID_CAPTIONS  # as printed: 新竹縣's says 來援
    assert [caption.partition("協請")[0] for caption in captions] == requesting
    assert len(cell.tables) == len(requesting)
    for city, table in zip(requesting, cell.tables):
        assert len({id(c._tc) for c in table.rows[0].cells}) == 1, "the caption spans the table"
        assert [flat(c.text) for c in table.rows[1].cells] == ["項次", "縣市", "火警", "救護", "轉報"]
        expected = [
            [str(n), to, str(fire), str(ambulance), str(relay)]
            for n, (_, to, fire, ambulance, relay) in enumerate(
                [row for row in facts.MUTUAL_AID if row[0] == city], start=1
            )
        ]
        assert [[c.text for c in row.cells] for row in table.rows[2:]] == expected


def test_green_tourism_table_as_printed(docx, data_files):
    cell = progress_cell(docx, data_files, facts.GREEN_TOURISM_PROPOSAL)
    (table,) = cell.tables
    assert tuple(header(table)) == facts.GREEN_TOURISM_HEADER
    printed = facts.GREEN_TOURISM_PRINTED_AS  # the source's misprint, as printed (the correction under the table)
    expected = [[printed.get(city, city), *map(str, values)] for city, *values in facts.GREEN_TOURISM]
    assert rows(table) == [*expected, ["合計", *map(str, facts.GREEN_TOURISM_TOTALS)]]


def numbers_in(text: str) -> set[int]:
    return {int(n.replace(",", "")) for n in re.findall(r"\d[\d,]*", flat(text))}


def test_indicator_figures_stated_in_the_progress_texts(docx, data_files):
    vaccination = flat(progress_cell(docx, data_files, "112-J21").text)
    for city, referrals, visits in facts.VACCINATION:
        assert f"{city}：轉介協訪共計{referrals}件，協訪非轄區案件共計{visits}件" in vaccination
    assert set(facts.SAFETY_NET) <= numbers_in(progress_cell(docx, data_files, "112-J22").text)
    training = flat(progress_cell(docx, data_files, "112-J24").text)
    assert f"共計{facts.SOCIAL_WORKER_TRAINING_TOTAL}位" in training
    for host, count in facts.SOCIAL_WORKER_TRAINING_BY_HOST:
        assert f"{host}政府：共計有{count}位參與" in training
    assert set(facts.ECIG) <= numbers_in(progress_cell(docx, data_files, "112-J20").text)


# --- 合作提案單 -----------------------------------------------------------------------------


def test_every_new_proposal_has_its_card_after_the_tables(docx, data_files):
    texts = [flat(b.text) if isinstance(b, Paragraph) else b for b in blocks(docx)]
    start = texts.index(flat(f"（二）{YEAR}年度新增合作提案，八縣市共同合作（共{facts.JOINT_COUNT}案）"))
    card_titles = [
        flat(t.rows[0].cells[1].text)
        for t in texts[start + 2 :]
        if isinstance(t, Table) and flat(t.rows[0].cells[0].text) == "合作提案"
    ]
    expected = [flat(p.get("card_title") or p["title"]) for p in data_files.values() if p["track"] != vocab.CARRIED]
    assert sorted(card_titles) == sorted(expected)
    for _, card_title in facts.CARD_TITLES:
        assert flat(card_title) in card_titles


# --- other cycles ---------------------------------------------------------------------------


def test_a_cycle_the_store_does_not_hold_is_refused(session):
    for year in (YEAR + 1, facts.CARRIED_YEAR):
        with pytest.raises(packet.PacketError, match=f"沒有 {year} 年度的會議.*資料庫中的年度：{YEAR}"):
            packet.packet_docx(session, cycle=year)


def test_an_empty_store_is_refused(fresh_engine):
    from dashboard.store import db

    db.create_tables(fresh_engine)
    with Session(fresh_engine) as s, pytest.raises(packet.PacketError, match="資料庫中的年度：（無）"):
        packet.packet_docx(s, cycle=YEAR)


def test_a_later_cycle_prints_its_own_year(writable_engine):
    """Nothing assumes the source's year: a next cycle with one carried-over proposal and a meeting."""
    later, kept = YEAR + 1, "112-J30"  # 北臺區域食農教育聯展 (產業發展組)
    with Session(writable_engine) as s:
        source = s.get(Proposal, kept)
        lead = s.exec(select(ProposalLead).where(ProposalLead.proposal_id == kept)).first()
        title, unit = source.title, lead.unit
        s.add(
            Meeting(
                id="later",
                name=f"{later}年度副首長會議",
                date=date(2024, 10, 23),
                start_time=time(9, 30),
                chair_org="桃園市政府",
                chair="副市長",
                venue="桃園市政府大禮堂",
            )
        )
        s.add(
            Proposal(
                id=f"{later}-T01",
                year=YEAR,
                track=vocab.CARRIED,
                item_no=1,
                sort_order=1,
                group_id=source.group_id,
                title=source.title,
                tracking_status=vocab.KEEP_TRACKING,
                tracking_reason="賡續辦理。",
                tracking_basis="賡續辦理。",
                progress_status=vocab.RUNNING,
                progress_basis="賡續辦理。",
            )
        )
        s.add(ProposalLead(proposal_id=f"{later}-T01", position=0, unit=lead.unit, city_code=lead.city_code))
        s.add(GroupMeeting(group_id="industry", date=date(2024, 3, 5), name="第1次工作會議"))
        s.commit()
        document = Document(io.BytesIO(packet.packet_docx(s, cycle=later)))
    texts = paragraph_texts(document)
    assert f"貳、{later}年度北臺執行進度說明" in texts
    assert f"（一）擬持續列管{YEAR}年度合作方案，共1案" in texts
    assert not any("合作提案單" in t for t in texts)  # no new proposals yet, so no cards
    (table,) = tables_after(document, f"（一）擬持續列管{YEAR}年度合作方案，共1案")
    [row] = rows(table)
    assert [*row[:2], *agencies(row[2]), *row[3:]] == ["1", "產業發展組", unit, title, "賡續辦理。"]
    (log,) = tables_after(document, "二、各議題組會議辦理情形")
    log_text = flat(" ".join(text for _, _, text in rows(log)))
    assert f"{later}年03月05日第1次工作會議" in log_text and f"{YEAR}年" not in log_text


# --- the command line -----------------------------------------------------------------------


def test_cli_writes_the_packet(db_url, tmp_path, capsys):
    out = tmp_path / "packet.docx"
    assert main(["packet", str(YEAR), str(out)]) == 0
    assert str(out) in capsys.readouterr().out
    assert flat(f"一、會議名稱：{facts.MEETING_NAME}") in paragraph_texts(Document(str(out)))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["packet", str(YEAR + 1), "{tmp}/p.docx"], f"資料庫中沒有 {YEAR + 1} 年度的會議"),
        (["packet", str(YEAR), "{tmp}/p.pdf"], "須以 .docx 結尾"),
        (["packet", str(YEAR), "{tmp}/missing/p.docx"], "不存在"),
        (["packet", str(YEAR), "{tmp}/folder.docx"], "這是資料夾"),
    ],
)
def test_cli_refuses_with_one_line(db_url, tmp_path, capsys, args, message):
    (tmp_path / "folder.docx").mkdir()
    assert main([a.format(tmp=tmp_path) for a in args]) == 1
    err = capsys.readouterr().err.strip()
    assert message in err and len(err.splitlines()) == 1 and "Traceback" not in err
    assert not (tmp_path / "p.docx").exists()


def test_cli_refuses_a_year_that_is_not_a_number(db_url, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["packet", "一一二", "p.docx"])
    assert exit_.value.code == 2
    assert "年度須為民國年的數字" in capsys.readouterr().err


# --- printed by LibreOffice -----------------------------------------------------------------


@pytest.mark.render
def test_libreoffice_prints_the_packet_on_a4_with_every_section(printed):
    """Skipped without LibreOffice, unless REQUIRE_LIBREOFFICE=1 or REQUIRE_BROWSER=1 (CI).
    (tests/rendering.py prints the packet of the store's current cycle.)"""
    from tests.rendering import A4

    pages = printed.pages["packet.docx"]
    assert {size for size, _ in pages} == {A4}
    assert NEW_COUNT < len(pages) < 3 * NEW_COUNT  # a card a page or so, and the tables before them
    for number, (_, text) in enumerate(pages[:-1], start=1):  # the back page has none
        assert re.search(rf"第 {number} 頁，共 {len(pages)} 頁", text), f"page {number} has its number"
    printed = flat("".join(text for _, text in pages))
    for heading in (
        "壹、會議議程",
        f"貳、{YEAR}年度北臺執行進度說明",
        "參、討論事項",
        "合作提案單",
        f"執行單位：{facts.EXECUTING_ORGANISER}",
    ):
        assert flat(heading) in printed
    assert flat(facts.MUTUAL_AID_PERIOD_ROC) in printed


# --- the meeting page's download ------------------------------------------------------------


def test_the_meeting_page_offers_the_packet_beside_the_minutes(store_url):
    from pages.shared import cached, meeting_view
    from tests.pagetest import open_page

    at = open_page("meeting")
    assert not at.exception
    labels = [b.proto.label for b in at.get("download_button")]
    assert "下載會議資料（.docx）" in labels and "下載會議紀錄草案（.docx）" in labels
    stamp = cached.store_stamp()
    content = meeting_view.packet_docx(stamp, YEAR)
    assert meeting_view.packet_docx(stamp, YEAR) is content  # built once per store stamp
    assert flat(f"一、會議名稱：{facts.MEETING_NAME}") in paragraph_texts(Document(io.BytesIO(content)))
