"""提案列表: filters and search kept in the URL, downloads; a row opens its card.

The body lives in pages/views/proposals.py (compiled once per process, not on every run)."""
from pages.views import proposals

proposals.render()
