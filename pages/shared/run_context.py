"""What a page run knows before the page draws: the store's stamp, the sign-in settings and who
is signed in, read once per script run and handed to everything that needs them (as FastAPI's
dependencies are read once per request). Pages read it with get(); nothing else reads who is
signed in for display.

The entrypoint (dashboard/app.py) starts the context before the page runs and ends it after.
st.session_state outlives a run, so the context is there only while the run lasts: a widget's
callback (called before the entrypoint runs) and a fragment's own rerun (which does not run the
entrypoint) find none and read afresh, never a previous run's context.

The stamp read here is the one every cached read of the run uses. A run that writes ends with
st.rerun (or writes in a callback, before the run reads): the next run reads the new stamp.

Writes do not trust the context: writer() reads who acts from the store at the moment of writing,
and the domain's write functions check that actor's role.

A session that ends while this tab is signed in (signed out in another tab, the account disabled or
past its last day, the session revoked or expired) leaves the tab a reader, but a form typed in
must not vanish with what was typed: the context remembers whom the tab was signed in as (ended)
until it signs in again or signs out here, and the forms are drawn for editor, that actor. Their
saves still read who acts now and are refused with 「已登出，請重新登入」 (pages/shared/signed_out.py).
"""

from dataclasses import dataclass, replace

import streamlit as st

from dashboard.domain import queries
from dashboard.domain.permissions import Actor
from pages.shared import auth_form, cached

KEY = "run-context"
LAST_KEY = "run-context-last"  # who this tab's previous run was signed in as
ENDED_KEY = "run-context-ended"  # whom this tab was signed in as until the session ended elsewhere


@dataclass(frozen=True)
class RunContext:
    stamp: queries.StoreStamp  # the key of every cached read of this run (pages/shared/cached.py)
    settings: auth_form.Settings  # the sign-in settings of secrets.toml
    actor: Actor  # who is signed in (READER when nobody is)
    ended: Actor | None = None  # whom this tab was signed in as until its session ended (not by its own 登出)

    @property
    def editor(self) -> Actor:
        """Whom the forms are drawn for: who is signed in or, once the session has ended elsewhere,
        whom it was (the forms keep what was typed; saving asks to sign in again)."""
        return self.ended if self.ended is not None and self.actor.name is None else self.actor

    @property
    def editor_user(self) -> str | None:
        """The secretariat user the decision and minutes forms are drawn for (editor's), or None."""
        return self.editor.name if self.editor.is_secretariat else None

    @property
    def user(self) -> str | None:
        """The signed-in secretariat user's name (who may record decisions and minutes), or None."""
        return self.actor.name if self.actor.is_secretariat else None


def read() -> RunContext:
    """The context read now: one statement for a reader, two for a password sign-in."""
    settings = auth_form.settings()
    actor = auth_form.read_actor(settings)
    ended = st.session_state.get(ENDED_KEY) if actor.name is None else None
    return RunContext(
        stamp=cached.store_stamp(), settings=settings, actor=actor, ended=ended if isinstance(ended, Actor) else None
    )


def start() -> RunContext:
    """Read the context for the run that is starting (the entrypoint's first step). A tab signed in
    at its previous run and nobody now, without its own 登出, had its session ended elsewhere: whom
    it was signed in as is kept (ended) until it signs in again or signs out here."""
    state = st.session_state
    context = read()
    signed_out_here = state.pop(auth_form.SIGNED_OUT_HERE_KEY, False)
    last = state.get(LAST_KEY)
    if context.actor.name is not None or signed_out_here:
        state.pop(ENDED_KEY, None)
        context = replace(context, ended=None)
    elif isinstance(last, Actor) and last.name is not None:
        state[ENDED_KEY] = last
        context = replace(context, ended=last)
    state[LAST_KEY] = context.actor
    state[KEY] = context
    return context


def end() -> None:
    """The run is over: the next one reads its own."""
    st.session_state.pop(KEY, None)


def get() -> RunContext:
    """This run's context; read afresh outside a page run (a callback, a fragment's rerun)."""
    context = st.session_state.get(KEY)
    return context if isinstance(context, RunContext) else read()


def stamp() -> queries.StoreStamp:
    """This run's store stamp; read now outside a page run (a fragment's own rerun), where
    reading who is signed in as well would cost more than the fragment needs."""
    context = st.session_state.get(KEY)
    return context.stamp if isinstance(context, RunContext) else cached.store_stamp()


def writer() -> Actor:
    """Who acts, read from the store now: for a write, so that an account disabled or signed out
    since the run began cannot write (the domain's write function checks its role)."""
    return auth_form.read_actor(auth_form.settings())
