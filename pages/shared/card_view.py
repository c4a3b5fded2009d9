"""What the card page shows, built once per store stamp (cached), so that a page run only lays it out.

The page script runs anew on every rerun; functions defined there would be re-created each time."""

from datetime import date

import streamlit as st

from dashboard.domain import queries, risk, vocab, worklist
from dashboard.domain.dates import now_taipei, roc_date, roc_period
from dashboard.domain.decisions import recorded_label
from pages.shared import cached, list_filter, styling

CARD_VALUES = dict(
    roc_date=roc_date,
    roc_period=roc_period,
    recorded_label=recorded_label,
    proposal_types=vocab.PROPOSAL_TYPES,
    city_scopes=vocab.CITY_SCOPES,
    central=vocab.CENTRAL,
    reason_label=vocab.reason_label,
    recommendation=vocab.recommendation,
    recommendation_label=vocab.recommendation_label,
    carried=vocab.CARRIED,
    neutral_color=vocab.NEUTRAL_COLOR,
    quarter_label=worklist.quarter_label,
)


def card_markup(
    card: queries.Card, risk_state: risk.RiskState | None = None, risk_history: list[risk.RiskEntry] | None = None
) -> str:
    """The paper card as one HTML block: the proposal, its status and risk light, the meeting's
    decision and figures. Without `risk_state`, the light as of today with no saves known."""
    p = card.proposal
    risk_state = risk_state or risk.state_of(p, [], today=now_taipei().date())
    return styling.render(
        "card.html.j2",
        **CARD_VALUES,
        card=card,
        p=p,
        risk=risk_state,
        risk_history=risk_history or [],
        has_card=p.cities_scope is not None,
        track=vocab.track_label(p.track, year=p.year),
        group=f"{card.group.name}／{card.subgroup.name}" if card.subgroup else card.group.name,
        lead_units=[unit for unit, _ in card.leads],
        city_names={c.code: c.name for c in card.card_cities},
    )


@st.cache_resource(show_spinner=False, max_entries=256)
def card_view(stamp: tuple, proposal_id: str, today: date) -> str | None:
    """The card's markup; `today` (Taipei) says whether its risk light is of this quarter."""
    card = cached.card(stamp, proposal_id)
    if card is None:
        return None
    state = cached.risk_states(stamp, today).get(proposal_id)
    return card_markup(card, state, risk.history(cached.proposal_history(stamp, proposal_id)))


@st.cache_resource(show_spinner=False, max_entries=64)
def filtered_ids(stamp: tuple, params_key: tuple, cycle: int | None = None) -> list[str]:
    frame = cached.proposals(stamp, cycle)
    choices = list_filter.filter_choices(frame, cached.groups(stamp, cycle))
    spec, decisions = list_filter.filter_from_params(dict(params_key), choices, [c.name for c in cached.cities(stamp)])
    return list_filter.apply_filter(frame, spec, decisions)["id"].tolist()
