"""總覽: headline counts, per-group status, what is waiting, and one city's involvement.

The body lives in pages/views/home.py (compiled once per process, not on every run)."""
from pages.views import home

home.render()
