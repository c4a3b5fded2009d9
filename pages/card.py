"""提案單 (`?id=112-J02`): one proposal laid out like the paper card, printable on A4.

The body lives in pages/views/card.py (compiled once per process, not on every run)."""
from pages.views import card

card.render()
