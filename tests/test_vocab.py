"""dashboard/domain/vocab.py is the one place for statuses, tracks, resolutions, group kinds, city
scopes and the neutral colour, and no year is written in the code: both are checked on the sources
of dashboard/ and pages/."""

import ast
import re

import pytest

from dashboard.domain import vocab
from tests.conftest import ROOT

SOURCES = sorted([*(ROOT / "dashboard").rglob("*.py"), *(ROOT / "pages").rglob("*.py")])
VOCAB_FILE = ROOT / "dashboard" / "domain" / "vocab.py"

# Every value the code compares against or shows as a fixed term of the vocabulary.
LITERALS = {
    *vocab.TRACKS,
    *vocab.TRACKING_STATUSES,
    *vocab.PROGRESS_STATUSES,
    *vocab.RESOLUTIONS,
    vocab.UNDECIDED,
    vocab.NEUTRAL_COLOR,
    vocab.DELIST_REASON,
    vocab.KEEP_REASON,
    vocab.RECOMMEND_DELIST,
    vocab.RECOMMEND_KEEP,
    vocab.NO_RECOMMENDATION,
    *vocab.GROUP_KINDS,
    vocab.SOME_CITIES,
    *vocab.RISKS,
    vocab.RISK_UNSET,
    vocab.STALE,
}
# "all" means every city (vocab.ALL_CITIES), every cycle (queries.ALL_CYCLES) and every kind of
# help on the map (flows.ALL_METRICS): a word that common is only ever spelt as a named constant.
NAMED_ONLY = {vocab.ALL_CITIES}
YEAR = re.compile(r"1\d\d年")  # an ROC year written out, e.g. 111年度


def _docstrings(tree: ast.AST) -> set[int]:
    """ids of the string nodes that are docstrings (of the module, a class or a function)."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
    return found


def string_literals(path) -> list[tuple[int, str]]:
    """(line, value) of every string constant in the code, f-string parts included; comments and
    docstrings are not code and are left out."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docs = _docstrings(tree)
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs
    ]


def test_the_check_sees_literals_and_skips_docstrings(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        '"""列管中 in a docstring"""\n# 列管中 in a comment\nx = "列管中"\ny = f"{x}持續列管"\n', encoding="utf-8"
    )
    assert string_literals(sample) == [(3, "列管中"), (4, "持續列管")]


def test_status_and_track_literals_appear_only_in_vocab():
    found = [
        f"{path.relative_to(ROOT)}:{line}: {value!r}"
        for path in SOURCES
        if path != VOCAB_FILE
        for line, value in string_literals(path)
        if value in LITERALS
    ]
    assert found == [], "import these from dashboard/domain/vocab.py instead:\n" + "\n".join(found)


def constant_definitions(tree: ast.Module) -> set[int]:
    """ids of the strings that are a module's named constant, `NAME = "value"`."""
    return {
        id(node.value)
        for node in tree.body
        if isinstance(node, ast.Assign)
        and isinstance(node.value, ast.Constant)
        and all(isinstance(target, ast.Name) and target.id.isupper() for target in node.targets)
    }


def test_common_words_of_the_vocabulary_are_named_constants():
    found = []
    for path in SOURCES:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        named, docs = constant_definitions(tree), _docstrings(tree)
        found += [
            f"{path.relative_to(ROOT)}:{node.lineno}: {node.value!r}"
            for node in ast.walk(tree)
            if isinstance(node, ast.Constant)
            and node.value in NAMED_ONLY
            and id(node) not in named
            and id(node) not in docs
        ]
    assert found == [], "name the meaning (vocab.ALL_CITIES, queries.ALL_CYCLES, …):\n" + "\n".join(found)


def test_no_year_is_written_in_the_code():
    found = [
        f"{path.relative_to(ROOT)}:{line}: {value!r}"
        for path in SOURCES
        for line, value in string_literals(path)
        if YEAR.search(value)
    ]
    assert found == [], "derive the year from the store (meeting.meeting_year):\n" + "\n".join(found)


@pytest.mark.parametrize(
    "status, label",
    [
        (vocab.PROPOSE_DELIST, "解除列管原因"),
        (vocab.DELISTED, "解除列管原因"),
        (vocab.KEEP_TRACKING, "持續列管原因"),
        (vocab.TRACKED, "持續列管原因"),
    ],
)
def test_one_rule_names_the_reason(status, label):
    assert vocab.reason_label(status) == label


def test_track_labels_take_their_year():
    assert vocab.track_label(vocab.CARRIED, year=111) == "111年度列管案"
    assert vocab.track_label(vocab.CARRIED, year=113) == "113年度列管案"
    assert vocab.track_label(vocab.JOINT, year=112) == "八縣市共同合作"
    assert vocab.track_labels(carried_year=111) == {
        vocab.CARRIED: "111年度列管案",
        vocab.CENTRAL: "請求中央協助",
        vocab.JOINT: "八縣市共同合作",
    }


@pytest.mark.parametrize(
    "status, recommendation, label",
    [
        (vocab.PROPOSE_DELIST, "擬解除列管", "擬解除列管"),
        (vocab.DELISTED, "擬解除列管", "擬解除列管"),
        (vocab.KEEP_TRACKING, "擬持續列管", "擬持續列管"),
        (vocab.TRACKED, None, "尚未提出建議"),  # a carried row's start: no recommendation yet
    ],
)
def test_the_tracking_status_is_the_groups_recommendation(status, recommendation, label):
    assert vocab.recommendation(status) == recommendation
    assert vocab.recommendation_label(status) == label
    if recommendation:
        assert vocab.recommendation(vocab.RECOMMENDATIONS[recommendation]) == recommendation  # as a lead types it
