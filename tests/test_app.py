"""The entrypoint and home page through AppTest, on a store built at first start."""
from dashboard import store
from dashboard.db import make_engine


def test_first_start_builds_the_store_and_shows_counts(app, db_url):
    engine = make_engine(db_url)
    assert not store.is_built(engine)
    at = app.run()
    assert not at.exception
    assert store.is_built(engine)
    text = "\n".join(m.value for m in at.markdown)
    assert "13 案" in text and "42 案" in text
