"""The vice-mayor's one-page summary: its figures are the store's (proposals frame, meeting list,
decisions in force, mutual-aid and training frames), counted here by hand, and it prints on
exactly one A4 page for every city in LibreOffice (REQUIRE_LIBREOFFICE=1: must not skip)."""

import io
from datetime import UTC, datetime

import docx
import pytest
from sqlmodel import Session, select

from dashboard.documents import city_summary
from dashboard.domain import cycles, decisions, queries, vocab
from dashboard.domain.permissions import Actor
from dashboard.store.models import Proposal
from tests.rendering import A4
from tests.test_bundles import meeting_cycle

T0 = datetime(2023, 8, 8, 7, 12, tzinfo=UTC)


def _city_frame(session, city: str, cycle: int):
    ids = set(session.exec(select(Proposal.id).where(cycles.in_cycle(cycle))))
    frame = queries.proposals_frame(session)
    frame = frame[frame["id"].isin(ids)]
    mask = [city in leads or city in joined for leads, joined in zip(frame["lead_cities"], frame["cities"])]
    return frame[mask]


def _tables(content: bytes) -> list[list[list[str]]]:
    document = docx.Document(io.BytesIO(content))
    return [[[c.text for c in row.cells] for row in table.rows] for table in document.tables]


def _text(content: bytes) -> str:
    return "\n".join(p.text for p in docx.Document(io.BytesIO(content)).paragraphs)


@pytest.mark.parametrize("city", ["宜蘭縣", "臺北市", "新北市", "新竹縣"])
def test_the_summary_figures_are_the_stores(session, city):
    cycle = meeting_cycle()
    rows = _city_frame(session, city, cycle)
    data = city_summary.summary(session, city=city, cycle=cycle)
    content = city_summary.summary_docx(data)
    counts, decided, waiting, aid = _tables(content)

    total = counts[-1]
    lead = sum(city in leads for leads in rows["lead_cities"])
    assert total[:4] == ["合計", str(len(rows)), str(lead), str(len(rows) - lead)]
    assert counts[0][4:] == vocab.PROGRESS_STATUSES
    assert total[4:] == [str(int((rows["progress_status"] == s).sum())) for s in vocab.PROGRESS_STATUSES]
    assert f"共 {len(rows)} 案：主辦 {lead} 案" in _text(content)
    for track_row in counts[1:-1]:
        label = track_row[0]
        mine = rows[rows["track_label"] == label]
        assert track_row[1] == str(len(mine)), label

    carried = rows[rows["track"] == vocab.CARRIED]
    delist = carried[carried["tracking_status"].isin(vocab.DELIST_STATUSES)]["id"].tolist()
    keep = carried[~carried["tracking_status"].isin(vocab.DELIST_STATUSES)]["id"].tolist()
    new = rows[rows["track"] != vocab.CARRIED]["id"].tolist()
    by_label = {r[0]: r for r in decided[1:]}
    if delist:
        assert by_label["擬解除列管"][1] == str(len(delist))
        assert all(i in by_label["擬解除列管"][2] for i in delist)
    if keep:
        assert by_label["擬持續列管"][1] == str(len(keep))
    assert by_label["新增提案"][1] == str(len(new))
    assert by_label["新增提案"][3] == f"{vocab.UNDECIDED} {len(new)}"

    waiting_rows = {r[0]: r for r in waiting[1:]}
    stuck = rows[rows["progress_status"] == vocab.WAITING_CENTRAL]["id"].tolist()
    assert waiting_rows[vocab.WAITING_CENTRAL][1] == str(len(stuck))
    assert all(i in waiting_rows[vocab.WAITING_CENTRAL][2] for i in stuck)

    frame = queries.mutual_aid_frame(session)
    asked, gave = frame[frame["from_city"] == city], frame[frame["to_city"] == city]
    assert aid[0] == ["救災救護支援", "火災支援", "救護支援", "119轉報", "合計"]
    assert aid[1][1:] == [f"{int(asked[k].sum()):,}" for k in ("fire", "ambulance", "relay", "total")]
    assert aid[2][1:] == [f"{int(gave[k].sum()):,}" for k in ("fire", "ambulance", "relay", "total")]
    training = queries.social_worker_training_frame(session)
    out_count = int(training.loc[training["from_city"] == city, "count"].sum())
    assert f"{city}社工參加他縣市課程 {out_count} 位" in _text(content)


def test_a_recorded_decision_shows_in_the_summary(writable_engine):
    cycle = meeting_cycle()
    with Session(writable_engine) as s:
        rows = _city_frame(s, "新竹縣", cycle)
        carried = rows[(rows["track"] == vocab.CARRIED) & rows["tracking_status"].isin(vocab.DELIST_STATUSES)]
        first = carried["id"].iloc[0]
        decisions.record(s, proposal_id=first, resolution=vocab.ADOPTED, actor=Actor.secretariat("祕書甲"), now=T0)
        content = city_summary.summary_docx(city_summary.summary(s, city="新竹縣", cycle=cycle))
    row = next(r for r in _tables(content)[1] if r[0] == "擬解除列管")
    assert row[3] == f"{vocab.ADOPTED} 1、{vocab.UNDECIDED} {len(carried) - 1}"


def test_unknown_city_and_year_are_refused(session):
    from dashboard.documents.bundles import BundleError

    with pytest.raises(BundleError, match="未知的縣市「台中市」"):
        city_summary.summary(session, city="台中市")
    with pytest.raises(BundleError, match="年度的資料"):
        city_summary.summary(session, city="臺北市", cycle=meeting_cycle() + 1)


@pytest.mark.render
def test_every_citys_summary_prints_on_exactly_one_a4_page(printed):
    """tests/rendering.py prints every city's summary of the current cycle."""
    names = printed.city_names
    assert len(names) == 8
    for number, city in enumerate(names):
        pages = printed.pages[f"city{number}.docx"]
        assert [size for size, _ in pages] == [A4], f"{city}: {len(pages)} pages"
        text = pages[0][1]
        assert city in text and "一、提案概況" in text and "四、跨區合作數據" in text


def test_a_new_cycle_without_proposals_yet_has_an_empty_summary_and_bundle(writable_engine):
    """A year just started (its meeting stored, no proposals yet) is a cycle: zeros, no error."""
    from datetime import date, time

    from dashboard.documents import bundles
    from dashboard.store.models import Meeting

    cycle = meeting_cycle()
    with Session(writable_engine) as s:
        current = cycles.meeting_of(s, cycle)
        s.add(
            Meeting(
                id="next-cycle",
                name=f"{cycle + 1}年度副首長會議",
                date=date(current.date.year + 1, 10, 23),
                start_time=time(14, 30),
                chair_org=current.chair_org,
                chair=current.chair,
                venue="線上會議",
            )
        )
        s.commit()
        assert cycles.current_cycle(s) == cycle + 1
        data = city_summary.summary(s, city="臺北市")
        content = city_summary.summary_docx(data)
        bundle = bundles.city_bundle(s, city="臺北市")
    assert data.year == cycle + 1 and data.counts.loc[city_summary.TOTAL, "案數"] == 0
    counts, waiting = _tables(content)
    assert counts[-1][1:] == ["0"] * (len(counts[-1]) - 1)
    text = _text(content)
    assert f"{cycle + 1}年度副首長會議" in text and "沒有涉及臺北市之待決議提案" in text
    assert "沒有跨區救災救護支援統計" in text
    assert bundle.year == cycle + 1 and bundle.ids == []


def test_the_carried_track_names_its_year_for_a_city_without_carried_rows(session):
    """宜蘭縣 has no carried-over proposal in the packet's cycle: its row still reads 111年度列管案."""
    cycle = meeting_cycle()
    assert not (_city_frame(session, "宜蘭縣", cycle)["track"] == vocab.CARRIED).any()
    counts = _tables(city_summary.summary_docx(city_summary.summary(session, city="宜蘭縣", cycle=cycle)))[0]
    assert counts[1][:2] == [f"{cycle - 1}年度列管案", "0"]


def test_a_new_years_summary_counts_each_carried_row_once_under_its_recommendation(writable_engine):
    """Cycle 113 carries 112's tracked proposals (尚未提出建議 until a group recommends): the decision
    lines add up to the carried row count, and 擬持續列管 and the waiting line 持續列管 agree (no 擬持續列管
    41 beside 持續列管 0)."""
    from datetime import date

    from dashboard.domain import new_year

    cycle = meeting_cycle() + 1
    with Session(writable_engine) as s:
        new_year.start_year(s, cycle=cycle, meeting_date=date(cycle + 1911, 10, 23), actor=Actor.secretariat("祕書甲"))
        carried = _city_frame(s, "臺北市", cycle)
        assert len(carried) and (carried["track"] == vocab.CARRIED).all()
        first, second = carried["id"].iloc[:2]
        s.get(Proposal, first).tracking_status = vocab.KEEP_TRACKING
        s.get(Proposal, second).tracking_status = vocab.PROPOSE_DELIST
        s.commit()
        tables = _tables(city_summary.summary_docx(city_summary.summary(s, city="臺北市")))
    counts, decided, waiting = tables[:3]
    assert counts[1][:2] == [f"{cycle - 1}年度列管案", str(len(carried))]
    lines = {row[0]: int(row[1]) for row in decided[1:]}
    assert lines == {
        vocab.RECOMMEND_DELIST: 1,
        vocab.RECOMMEND_KEEP: 1,
        vocab.NO_RECOMMENDATION: len(carried) - 2,
    }
    waits = {row[0]: int(row[1]) for row in waiting[1:]}
    assert waits[vocab.KEEP_TRACKING] == lines[vocab.RECOMMEND_KEEP]
    assert waits[f"{vocab.PROPOSE_DELIST}，待會議決議"] == lines[vocab.RECOMMEND_DELIST]
