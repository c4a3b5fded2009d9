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
"""

from dataclasses import dataclass

import streamlit as st

from dashboard.domain import queries
from dashboard.domain.permissions import Actor
from pages.shared import auth_form, cached

KEY = "run-context"


@dataclass(frozen=True)
class RunContext:
    stamp: queries.StoreStamp  # the key of every cached read of this run (pages/shared/cached.py)
    settings: auth_form.Settings  # the sign-in settings of secrets.toml
    actor: Actor  # who is signed in (READER when nobody is)

    @property
    def user(self) -> str | None:
        """The signed-in secretariat user's name (who may record decisions and minutes), or None."""
        return self.actor.name if self.actor.is_secretariat else None


def read() -> RunContext:
    """The context read now: one statement for a reader, two for a password sign-in."""
    settings = auth_form.settings()
    return RunContext(stamp=cached.store_stamp(), settings=settings, actor=auth_form.read_actor(settings))


def start() -> RunContext:
    """Read the context for the run that is starting (the entrypoint's first step)."""
    context = st.session_state[KEY] = read()
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
