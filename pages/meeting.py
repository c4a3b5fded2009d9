"""副首長會議: the agenda against the clock, the list to decide, recording, and the minutes; with
`?present=1` the presenter view.

The body lives in pages/views/meeting.py (compiled once per process, not on every run)."""
from pages.views import meeting

meeting.render()
