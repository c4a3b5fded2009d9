"""The app's pages: titles, icons and URL paths, in navigation order, and who sees them listed."""

from dataclasses import dataclass

from dashboard.domain.permissions import Actor

SIGNED_IN, SECRETARIAT_ONLY = "signed-in", "secretariat"  # PageSpec.listed_for
UNLISTED = "unlisted"  # reached by a link only (變更密碼: from the sidebar's signed-in block)


@dataclass(frozen=True)
class PageSpec:
    path: str  # relative to the entrypoint dashboard/app.py
    title: str
    icon: str
    url_path: str
    default: bool = False
    listed_for: str | None = None  # None: everyone; else only they see it in the navigation


PAGES = {
    "home": PageSpec("../pages/home.py", "總覽", ":material/dashboard:", "home", default=True),
    "groups": PageSpec("../pages/groups.py", "議題組", ":material/groups:", "groups"),
    "proposals": PageSpec("../pages/proposals.py", "提案列表", ":material/table_rows:", "proposals"),
    "card": PageSpec("../pages/card.py", "提案單", ":material/description:", "card"),
    "map": PageSpec("../pages/map.py", "跨區支援地圖", ":material/map:", "map"),
    "meeting": PageSpec("../pages/meeting.py", "副首長會議", ":material/event:", "meeting"),
    "documents": PageSpec("../pages/documents.py", "文件下載", ":material/download:", "documents"),
    "mine": PageSpec("../pages/mine.py", "我的提案", ":material/assignment_ind:", "mine", listed_for=SIGNED_IN),
    "new": PageSpec("../pages/new.py", "新增提案", ":material/note_add:", "new", listed_for=SIGNED_IN),
    "sheet": PageSpec("../pages/sheet.py", "試算表更新", ":material/upload_file:", "sheet", listed_for=SIGNED_IN),
    "meeting_log": PageSpec(
        "../pages/meeting_log.py", "工作會議紀錄", ":material/event_note:", "meeting_log", listed_for=SIGNED_IN
    ),
    "statistics": PageSpec(
        "../pages/statistics.py", "統計登錄", ":material/query_stats:", "statistics", listed_for=SIGNED_IN
    ),
    "password": PageSpec("../pages/password.py", "變更密碼", ":material/password:", "password", listed_for=UNLISTED),
    "accounts": PageSpec(
        "../pages/accounts.py", "帳號管理", ":material/manage_accounts:", "accounts", listed_for=SECRETARIAT_ONLY
    ),
    "meeting_settings": PageSpec(
        "../pages/meeting_settings.py",
        "會議設定",
        ":material/edit_calendar:",
        "meeting_settings",
        listed_for=SECRETARIAT_ONLY,
    ),
    "group_settings": PageSpec(
        "../pages/group_settings.py", "議題組設定", ":material/tune:", "group_settings", listed_for=SECRETARIAT_ONLY
    ),
    "new_year": PageSpec(
        "../pages/new_year.py", "開始新年度", ":material/event_repeat:", "new_year", listed_for=SECRETARIAT_ONLY
    ),
}


def listed(spec: PageSpec, actor: Actor) -> bool:
    """Whether the navigation lists the page for `actor`. Only a convenience: every page reachable by
    its URL, and the data functions check the role."""
    if spec.listed_for == UNLISTED:
        return False
    if spec.listed_for == SECRETARIAT_ONLY:
        return actor.is_secretariat
    if spec.listed_for == SIGNED_IN:
        return actor.name is not None
    return True


def page_path(name: str) -> str:
    """The path st.page_link / st.switch_page expect for one of PAGES."""
    return PAGES[name].path
