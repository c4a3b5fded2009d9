"""議題組: every group, or one group's view by `?group=<id>`.

The body lives in pages/views/groups.py (compiled once per process, not on every run)."""
from pages.views import groups

groups.render()
