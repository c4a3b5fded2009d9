"""The meeting page's 會議紀錄 section through AppTest: the secretariat saves 紀錄, attendance and
主席結論 in the store, a reload keeps them, readers see them as text only."""

from sqlmodel import Session

from dashboard.datafiles import build
from dashboard.domain import meeting_record, queries
from dashboard.domain.meeting import meeting_info
from dashboard.domain.permissions import Actor
from dashboard.store.db import make_engine
from tests.pagetest import MEETING_PASSWORD as PASSWORD
from tests.pagetest import page_texts, sign_in

HTML = "<script>alert(1)</script><b>一、各案依決議辦理。</b>"


def _saved(db_url: str):
    engine = make_engine(db_url)
    build.ensure_built(engine)
    with Session(engine) as s:
        return (meeting_record.history(s, meeting_id=meeting_info(s).meeting.id), queries.cities(s))


def _fill(at, *, taker: str, city_code: str, who: str, conclusions: str):
    at.text_input(key="mr-0-taker").input(taker)
    at.text_input(key=f"mr-0-city-{city_code}").input(who)
    at.text_area(key="mr-0-conclusions").input(conclusions)
    next(b for b in at.button if b.label == "儲存會議紀錄").click()
    return at.run()


def test_the_secretariat_saves_the_record_and_a_reload_keeps_it(secretariat, db_url):
    _, cities = _saved(db_url)
    city = cities[2]
    at = sign_in(secretariat.run(), PASSWORD)
    at = _fill(at, taker="王小明", city_code=city.code, who="副市長 ○○○", conclusions=HTML)
    assert not at.exception and not at.error
    assert [m.value for m in at.main.success] == ["已儲存會議紀錄"]
    rows, _ = _saved(db_url)
    assert [(r.minutes_taker, r.attendance, r.conclusions, r.recorded_by) for r in rows] == [
        ("王小明", {city.code: "副市長 ○○○"}, HTML, "祕書甲")
    ]
    # The form now shows what the store holds (keys carry the saved record's id).
    assert at.text_area(key=f"mr-{rows[0].id}-conclusions").value == HTML
    assert at.text_input(key=f"mr-{rows[0].id}-city-{city.code}").value == "副市長 ○○○"


def test_a_reader_sees_the_saved_record_as_text_without_a_form(meeting, db_url):
    _, cities = _saved(db_url)
    with Session(make_engine(db_url)) as s:
        meeting_record.record(
            s,
            meeting_id=meeting_info(s).meeting.id,
            actor=Actor.secretariat("祕書甲"),
            minutes_taker="王小明",
            attendance={cities[0].code: "縣長 ○○○"},
            conclusions=HTML,
        )
    at = meeting.run()
    assert not at.exception
    assert "儲存會議紀錄" not in [b.label for b in at.button]
    assert not [t for t in at.text_area if "主席結論" in t.label]
    texts = [t.value for t in at.text]
    assert "紀錄：王小明" in texts and HTML in texts  # st.text: shown literally, never as markup
    assert HTML not in "\n".join(m.value for m in at.markdown)
    attendance = next(d.value for d in at.dataframe if "出席人員" in d.value.columns)
    assert list(attendance["縣市"]) == [c.name for c in cities]
    assert attendance["出席人員"][0] == "縣長 ○○○"
    assert "由祕書甲儲存" in page_texts(at)


def test_bad_input_shows_a_chinese_error_and_keeps_what_was_typed(secretariat, db_url):
    _, cities = _saved(db_url)
    at = sign_in(secretariat.run(), PASSWORD)
    at = _fill(at, taker="王\n小明", city_code=cities[0].code, who="縣長 ○○○", conclusions="結論草稿")
    assert not at.exception
    assert any("紀錄只能有一行" in e.value for e in at.error)
    assert _saved(db_url)[0] == []
    assert at.text_area(key="mr-0-conclusions").value == "結論草稿"
