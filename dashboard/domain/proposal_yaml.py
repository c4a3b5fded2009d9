"""A proposal as one document in the layout of data/proposals/*.yaml: what `export --layout data`
writes, what an edit changes and what a version compares. Keys follow the files' order; a key
without a value is left out (`previous`, the proposal a carried-over row continues, is written
only for such a row)."""

import yaml
from sqlmodel import Session, select

from dashboard.domain import vocab
from dashboard.store.models import City, Proposal, ProposalCity, ProposalLead, ProposalType

# The files' keys in their order; `sort_order` is not among them (the loader derives it).
KEYS = (
    "id",
    "year",
    "track",
    "item_no",
    "previous",
    "group",
    "subgroup",
    "title",
    "lead_units",
    "card_title",
    "card_unit",
    "card_position",
    "card_heading",
    "types",
    "cities_scope",
    "cities",
    "description",
    "approach",
    "benefits",
    "contact",
    "central_ministry",
    "progress",
    "tracking_status",
    "tracking_reason",
    "recommendation_date",
    "tracking_basis",
    "progress_status",
    "progress_basis",
    "notes",
    "risk",
    "risk_reason",
)
_COLUMN = {
    "group": "group_id",
    "subgroup": "subgroup_id",
    "previous": "previous_id",
}  # file key -> column, where they differ


def proposal_document(session: Session, proposal: Proposal) -> dict:
    """proposal and its lead units, types and cities as the file holds them (None left out)."""
    leads = session.exec(
        select(ProposalLead).where(ProposalLead.proposal_id == proposal.id).order_by(ProposalLead.position)
    ).all()
    cities = session.exec(select(ProposalCity.city_code).where(ProposalCity.proposal_id == proposal.id)).all()
    types = session.exec(select(ProposalType.type).where(ProposalType.proposal_id == proposal.id)).all()
    return rows_document(proposal, leads, types, cities, list(session.exec(select(City))))


def rows_document(
    proposal: Proposal, leads: list[ProposalLead], types: list[str], city_codes: list[str], all_cities: list[City]
) -> dict:
    """The document of one proposal's rows, stored or not yet (an import compares data/ with the store)."""
    names = {c.code: c.name for c in all_cities}
    order = {c.code: c.sort_order for c in all_cities}
    values = {key: getattr(proposal, _COLUMN.get(key, key), None) for key in KEYS}
    values["lead_units"] = [
        {"unit": lead.unit, "city": names[lead.city_code]} for lead in sorted(leads, key=lambda lead: lead.position)
    ]
    if proposal.cities_scope is not None:  # a proposal with a card lists its types and cities
        values["types"] = in_card_order(list(types))
        values["cities"] = [names[c] for c in sorted(city_codes, key=order.get)]
    else:
        values["types"] = values["cities"] = None
    if values["recommendation_date"] is not None:  # ISO text: a version's changes are JSON
        values["recommendation_date"] = values["recommendation_date"].isoformat()
    # An empty basis is no basis (the column predates optional bases).
    return {key: value for key, value in values.items() if value is not None and value != ""}


def in_card_order(types: list[str]) -> list[str]:
    """The card's box order (a proposal's types are stored as a set)."""
    return sorted(
        types, key=lambda t: vocab.PROPOSAL_TYPES.index(t) if t in vocab.PROPOSAL_TYPES else len(vocab.PROPOSAL_TYPES)
    )


class _Dumper(yaml.SafeDumper):
    pass


def _text(dumper: yaml.SafeDumper, value: str):
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|" if "\n" in value else None)


_Dumper.add_representer(str, _text)


def to_yaml(document: dict) -> str:
    return yaml.dump(document, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=10_000)
