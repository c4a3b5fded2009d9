"""Helpers for AppTest page tests: a store in a file with chosen decisions, and a page opened by URL."""

import html
import os
import re
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import streamlit as st
from sqlmodel import Session
from streamlit.testing.v1 import AppTest

from dashboard.domain import dates
from dashboard.store.db import make_engine
from dashboard.store.models import Decision
from tests import databases

APP = str(Path(__file__).resolve().parent.parent / "dashboard" / "app.py")
TAIPEI = dates.TAIPEI
MEETING_TIME = datetime(2023, 8, 8, 15, tzinfo=TAIPEI)
MEETING_PASSWORD = "rehearsal pass"  # 祕書甲's, in the `users` of tests/conftest.py's `secretariat`


class FrozenClock:
    """A sign-in throttle clock that stands still (a lock never runs out)."""

    now = 1000.0

    def __call__(self) -> float:
        return self.now


def decision(
    proposal_id: str, resolution: str, *, at: datetime = MEETING_TIME, note: str | None = None, by: str = "秘書處"
) -> Decision:
    return Decision(proposal_id=proposal_id, resolution=resolution, note=note, recorded_at=at, recorded_by=by)


def build_store(path: Path, decisions=()) -> str:
    """A store built from data/ with `decisions` recorded; returns its URL.

    A SQLite file at `path`, or a PostgreSQL database under TEST_DATABASE_URL (tests/databases.py)."""
    url = databases.new_url(path, loaded=True)
    engine = make_engine(url)
    with Session(engine) as s:
        s.add_all([decision.model_copy() for decision in decisions])
        s.commit()
    engine.dispose()
    return url


@contextmanager
def serving(url: str):
    """Point the app at `url`, with Streamlit's caches empty before and after."""
    old = os.environ.get("DATABASE_URL")
    os.environ["DATABASE_URL"] = url
    st.cache_resource.clear()
    st.cache_data.clear()
    try:
        yield url
    finally:
        st.cache_resource.clear()
        st.cache_data.clear()
        if old is None:
            os.environ.pop("DATABASE_URL", None)
        else:
            os.environ["DATABASE_URL"] = old


def open_page(page: str, params: dict | None = None, *, timeout: float = 60) -> AppTest:
    """Run pages/<page>.py as a deep link with `params` in the URL."""
    at = AppTest.from_file(APP, default_timeout=timeout)
    for key, value in (params or {}).items():
        at.query_params[key] = value
    at.switch_page(f"../pages/{page}.py")
    return at.run()


def sign_in(at: AppTest, password: str, name: str = "祕書甲", *, key: str = "sign-in") -> AppTest:
    """Fill in and submit the sign-in form (pages/shared/auth_form.py) drawn under `key`; the next run."""
    at.text_input(key=f"{key}-name").input(name)
    at.text_input(key=f"{key}-password").input(password)
    next(b for b in at.button if b.label == "登入").click()
    return at.run()


def page_texts(at: AppTest) -> str:
    """Every title, markdown, caption, text and message on the page, one per line."""
    parts = [
        e.value
        for kind in ("title", "markdown", "caption", "text", "info", "success", "error", "warning")
        for e in getattr(at, kind)
    ]
    return "\n".join(str(p) for p in parts)


def markdown_text(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


def diff_text(markup: str) -> str:
    """The text of a diff box (pages/shared/diff_view.py) as read: marks dropped, <br> as a line break."""
    text = re.sub(r"<br>", "\n", markup)
    return html.unescape(re.sub(r"<[^>]+>", "", text))


DIFF_FIELD = re.compile(
    r'<div class="bt-diff-field">(.*?)</div><div class="bt-diff">'
    r'<div class="bt-diff-side"><div class="bt-diff-title">(.*?)</div><div class="bt-diff-text">(.*?)</div></div>'
    r'<div class="bt-diff-side"><div class="bt-diff-title">(.*?)</div><div class="bt-diff-text">(.*?)</div></div></div>'
)


def diff_fields(markup: str) -> list[dict]:
    """Each field of diff markup: {欄位, 左標題, 原值 (left text), 右標題, 新值 (right text)}."""
    return [
        {
            "欄位": diff_text(f),
            "左標題": diff_text(lt),
            "原值": diff_text(left),
            "右標題": diff_text(rt),
            "新值": diff_text(right),
        }
        for f, lt, left, rt, right in DIFF_FIELD.findall(markup)
    ]


def history_rows(at: AppTest) -> list[dict]:
    """The card's 修改紀錄 as rows, one per field changed, newest version first: 版本, 時間, 修改者,
    原因, 欄位, 原值, 新值 (as read: marks dropped)."""
    markup = next(m.value for m in at.markdown if 'class="bt-history-diff"' in m.value)
    rows = []
    for block in markup.split('<div class="bt-diff-version"><b>')[1:]:
        head = diff_text(block[: block.index("</b>")]).split("｜")
        reason = next((p.removeprefix("原因：") for p in head if p.startswith("原因：")), "")
        for field in diff_fields(block):
            rows.append({"版本": head[0], "時間": head[1], "修改者": head[2], "原因": reason, **field})
    return rows


def table_values(at: AppTest) -> str:
    """Every cell of every st.dataframe on the page, one line per row (link cells as their URL)."""
    return "\n".join("\t".join(map(str, row)) for frame in at.dataframe for row in frame.value.itertuples(index=False))


# --- pages for signed-in users (帳號管理, 新增提案, 我的提案) ------------------------------------

LEAD, SECRETARIAT = "交通窗口", "祕書甲"  # the accounts of `store_with_accounts`


def store_with_accounts(path: Path) -> str:
    """build_store with two accounts: LEAD, a lead of the transport group, and SECRETARIAT; its URL.
    Pages read who is signed in from session_state (open_as), so the passwords are never typed."""
    from dashboard.domain import vocab
    from tests.storetools import add_account

    url = build_store(path)
    engine = make_engine(url)
    add_account(engine, LEAD, vocab.LEAD, "transport")
    add_account(engine, SECRETARIAT, vocab.SECRETARIAT)
    engine.dispose()
    return url


def open_as(user: str | None, page: str, *, timeout: float = 60) -> AppTest:
    """Run pages/<page>.py in a session where `user` is signed in (None: a reader)."""
    from pages.shared import auth_form

    st.cache_resource.clear()
    at = AppTest.from_file(APP, default_timeout=timeout)
    if user:
        at.session_state[auth_form.SESSION_KEY] = user
    at.switch_page(f"../pages/{page}.py")
    return at.run()
