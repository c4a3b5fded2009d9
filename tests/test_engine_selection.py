"""Which tests CI's PostgreSQL pass runs (tests/conftest.py `depends_on_engine`): every test that
touches a store on the engine under test, and nothing the SQLite pass has already covered in full."""

from pathlib import Path

import pytest

from tests.conftest import depends_on_engine


class Item:
    """What the rule reads of a collected test: its markers, its file and its fixtures' closure."""

    def __init__(self, path: Path, fixtures=(), markers=()):
        self.path, self.fixturenames, self._markers = path, list(fixtures), set(markers)

    def get_closest_marker(self, name):
        return name if name in self._markers else None


@pytest.fixture
def plain(tmp_path) -> Path:
    path = tmp_path / "test_plain.py"
    path.write_text("def test_x(session):\n    pass\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "fixtures",
    [
        ["session", "loaded_engine"],
        ["writable_engine"],
        ["fresh_engine"],
        ["app", "db_url"],
        ["store_url"],
        ["accounts_url"],
        ["engine", "cli_url"],
    ],
)
def test_a_test_given_a_store_on_the_engine_runs_on_postgresql(plain, fixtures):
    assert depends_on_engine(Item(plain, fixtures), {})


@pytest.mark.parametrize(
    "fixtures, markers",
    [
        ([], ()),  # a pure function
        (["data_copy", "tmp_path"], ()),  # data/ read from files
        (["engine", "cli_url", "store_file", "template_store"], ()),  # the CLI on its SQLite file
        (["server", "browser"], ("browser",)),
        (["writable_engine"], ("render",)),  # a LibreOffice print of a store: the print is the test
    ],
)
def test_a_test_without_one_is_left_to_the_sqlite_pass(plain, fixtures, markers):
    assert not depends_on_engine(Item(plain, fixtures, markers), {})


def test_a_browser_test_marked_postgres_runs_on_postgresql(plain):
    assert depends_on_engine(Item(plain, ["browser"], ("browser", "postgres")), {})


def test_a_module_that_makes_databases_itself_runs_whole_on_postgresql(tmp_path):
    path = tmp_path / "test_own.py"
    path.write_text("from tests import databases\n\ndef test_x():\n    databases.new_url(...)\n", encoding="utf-8")
    seen = {}
    assert depends_on_engine(Item(path, []), seen)
    assert seen == {path: True}
