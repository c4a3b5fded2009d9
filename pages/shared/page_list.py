"""The app's pages: titles, icons and URL paths, in navigation order."""
from dataclasses import dataclass




@dataclass(frozen=True)
class PageSpec:
    path: str  # relative to the entrypoint dashboard/app.py
    title: str
    icon: str
    url_path: str
    default: bool = False


PAGES = {
    "home": PageSpec("../pages/home.py", "總覽", ":material/dashboard:", "home", default=True),
    "groups": PageSpec("../pages/groups.py", "議題組", ":material/groups:", "groups"),
    "proposals": PageSpec("../pages/proposals.py", "提案列表", ":material/table_rows:", "proposals"),
    "card": PageSpec("../pages/card.py", "提案單", ":material/description:", "card"),
    "map": PageSpec("../pages/map.py", "跨區支援地圖", ":material/map:", "map"),
    "meeting": PageSpec("../pages/meeting.py", "副首長會議", ":material/event:", "meeting"),
}


def page_path(name: str) -> str:
    """The path st.page_link / st.switch_page expect for one of PAGES."""
    return PAGES[name].path
