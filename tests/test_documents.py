"""A proposal read back from the store as a document is exactly its file in data/proposals:
same values, and written out, the same bytes."""

import pytest
import yaml
from sqlmodel import select

from dashboard.domain import proposal_yaml
from dashboard.store.config import DATA_DIR
from dashboard.store.models import Proposal

FILES = sorted((DATA_DIR / "proposals").glob("*.yaml"))


def test_every_proposal_file_is_checked():
    assert len(FILES) == 55  # 13 carried over from 111, 42 new in 112


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_a_stored_proposal_reads_back_as_its_file(session, path):
    proposal = session.get(Proposal, path.stem)
    document = proposal_yaml.proposal_document(session, proposal)
    assert document == yaml.safe_load(path.read_text(encoding="utf-8"))
    assert proposal_yaml.to_yaml(document) == path.read_text(encoding="utf-8")


def test_keys_come_in_the_files_order(session):
    proposal = session.exec(select(Proposal).where(Proposal.cities_scope.is_not(None))).first()
    keys = list(proposal_yaml.proposal_document(session, proposal))
    assert keys == [k for k in proposal_yaml.KEYS if k in keys]
