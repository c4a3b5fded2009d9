"""跨區支援地圖: the eight cities and their cross-border mutual-aid and training flows.

The body lives in pages/views/map.py (compiled once per process, not on every run)."""
from pages.views import map as map_page

map_page.render()
