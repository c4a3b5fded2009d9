"""The browser's side of Streamlit's websocket protocol (/_stcore/stream), without a browser.

A browser tab asks for a script run with a BackMsg.rerun_script (the page's URL path, its query
string and the state of every widget it shows) and reads ForwardMsgs until script_finished. This
module builds that message (also for benchmarks/bench_server.py) and gives tests a synchronous
session that records the widgets a run drew (their ids, labels and forms) and sends chosen widget
states back, as a browser does when a form is submitted, or as anyone may craft by hand.
"""

import time
from dataclasses import dataclass, field

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

RUN_TIMEOUT_S = 300  # a bound for one run on a loaded machine, not a wait
# Element kinds whose value is sent as WidgetState.string_value: text, and a choice by its shown label.
STRING_KINDS = {"text_input", "text_area", "selectbox", "radio", "dataframe"}


def rerun_message(port: int, page_name: str, query: str = "", *, cached=(), widgets=()) -> bytes:
    """A serialized BackMsg.rerun_script as the browser sends it: the page's URL path and query
    string, the hashes of the big messages it holds (`cached`) and widget states (`widgets`)."""
    msg = BackMsg()
    state = msg.rerun_script
    state.query_string = query
    state.page_name = page_name
    state.cached_message_hashes.extend(sorted(cached))
    state.widget_states.widgets.extend(widgets)
    state.context_info.timezone = "Asia/Taipei"
    state.context_info.timezone_offset = -480
    state.context_info.locale = "zh-TW"
    state.context_info.url = f"http://127.0.0.1:{port}/{page_name}" + (f"?{query}" if query else "")
    state.context_info.color_scheme = "light"
    return msg.SerializeToString()


@dataclass(frozen=True)
class Widget:
    """One widget a run drew: enough to send a value for it later, from any session."""

    kind: str  # the Element oneof name: text_input, button, selectbox, …
    id: str
    label: str
    form_id: str

    def set(self, value) -> WidgetState:
        """This widget's state holding `value` (a choice by its shown label, as the browser sends it)."""
        state = WidgetState(id=self.id)
        if self.kind in STRING_KINDS:
            state.string_value = value
        elif self.kind == "multiselect":
            state.string_array_value.data.extend(value)
        elif self.kind == "checkbox":
            state.bool_value = value
        elif self.kind == "number_input":
            state.double_value = value
        else:
            raise ValueError(f"no value of a {self.kind}")
        return state

    def press(self) -> WidgetState:
        """A click of this button (a form's submit button submits the form's states sent with it)."""
        if self.kind != "button":
            raise ValueError(f"{self.label!r} is a {self.kind}, not a button")
        return WidgetState(id=self.id, trigger_value=True)


@dataclass
class Run:
    """What one script run sent: its elements, widgets and how it finished."""

    elements: list = field(default_factory=list)  # Element protos, in the order sent
    exceptions: list[str] = field(default_factory=list)
    status: int | None = None  # ForwardMsg.ScriptFinishedStatus
    seconds: float = 0.0

    def add(self, fwd: ForwardMsg) -> bool:
        """Take one ForwardMsg; True once the run (and any st.rerun it asked for) has finished."""
        kind = fwd.WhichOneof("type")
        if kind == "new_session":  # a run starts (again, after st.rerun): only the last one counts
            self.elements.clear()
            self.exceptions.clear()
        elif kind == "delta" and fwd.delta.WhichOneof("type") == "new_element":
            element = fwd.delta.new_element
            self.elements.append(element)
            if element.WhichOneof("type") == "exception":
                self.exceptions.append(element.exception.message)
        elif kind == "script_finished" and fwd.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN:
            self.status = fwd.script_finished
            return True
        return False

    @property
    def ok(self) -> bool:
        return self.status == ForwardMsg.FINISHED_SUCCESSFULLY and not self.exceptions

    @property
    def widgets(self) -> list[Widget]:
        found = []
        for element in self.elements:
            kind = element.WhichOneof("type")
            proto = getattr(element, kind)
            if getattr(proto, "id", ""):  # widgets have an id; a read-only dataframe's is empty
                found.append(Widget(kind, proto.id, getattr(proto, "label", ""), getattr(proto, "form_id", "")))
        return found

    def widget(self, label: str, kind: str | None = None) -> Widget:
        """The one widget with this label (and kind); fails naming what the run drew instead."""
        matches = [w for w in self.widgets if w.label == label and kind in (None, w.kind)]
        if len(matches) != 1:
            raise LookupError(f"{len(matches)} widgets labelled {label!r}; drawn: {[w.label for w in self.widgets]}")
        return matches[0]

    def form(self, submit_label: str) -> list[Widget]:
        """Every widget of the form whose submit button reads `submit_label`, the button last."""
        button = self.widget(submit_label, "button")
        return [w for w in self.widgets if w.form_id == button.form_id and w != button] + [button]

    def texts(self) -> str:
        """The run's text: markdown, alerts, captions and plain text, one per line."""
        lines = []
        for element in self.elements:
            kind = element.WhichOneof("type")
            if kind in ("markdown", "text", "alert", "heading"):
                lines.append(getattr(element, kind).body)
        return "\n".join(lines)


class Session:
    """One browser tab on a live server: a websocket on /_stcore/stream that keeps its session
    (who signed in, widget state) across runs. Use as a context manager."""

    def __init__(self, base_url: str):
        self.port = int(base_url.rsplit(":", 1)[1])
        self._connection = self.ws = None

    def __enter__(self) -> "Session":
        from websockets.sync.client import connect

        self._connection = connect(
            f"ws://127.0.0.1:{self.port}/_stcore/stream",
            subprotocols=["streamlit"],
            max_size=None,
            open_timeout=RUN_TIMEOUT_S,
            compression=None,
        )
        self.ws = self._connection.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        self._connection.__exit__(*exc)

    def run(self, page_name: str, query: str = "", widgets=(), *, check: bool = True) -> Run:
        """One run of the page with these widget states; fails when it shows an exception, unless
        `check` is false (a crafted message may break the run of the session that sent it)."""
        run = Run()
        start = time.perf_counter()
        self.ws.send(rerun_message(self.port, page_name, query, widgets=widgets))
        while not run.add(ForwardMsg.FromString(self.ws.recv(timeout=RUN_TIMEOUT_S))):
            pass
        run.seconds = time.perf_counter() - start
        if check and not run.ok:
            raise AssertionError(f"{page_name}?{query}: status {run.status}, exceptions {run.exceptions}")
        return run

    def sign_in(self, page_name: str, query: str, name: str, password: str) -> Run:
        """Sign in through the page's password form, as typed into the browser; the run after it."""
        form = self.run(page_name, query)
        states = [
            form.widget("帳號", "text_input").set(name),
            form.widget("密碼", "text_input").set(password),
            form.widget("登入", "button").press(),
        ]
        after = self.run(page_name, query, states)
        if name not in after.texts() or any(w.label == "登入" for w in after.widgets):
            raise AssertionError(f"{name} not signed in: {after.texts()[:500]}")
        return after
