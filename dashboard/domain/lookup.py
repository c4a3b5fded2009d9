"""Find a city, group or proposal from what a person typed or a URL carries.

People write 台北市 for 臺北市, full-width letters, lower-case ids and stray spaces; links carry
codes or names. These functions fold those variants and return the one canonical key, or None
when nothing matches, so that the page can say so instead of silently showing something else.
"""

import unicodedata


def fold(text: str | None) -> str:
    """One spelling for comparison: NFKC (full-width → half-width), 台 → 臺, lower case, no spaces."""
    text = unicodedata.normalize("NFKC", text or "").replace("台", "臺").lower()
    return "".join(text.split())


def city_code(value: str | None, cities) -> str | None:
    """The code of the city a URL value names: its code, official name or English name."""
    wanted = fold(value)
    if not wanted:
        return None
    for city in cities:
        if wanted in {fold(city.code), fold(city.name), fold(city.name_en)}:
            return city.code
    return None


def city_name(value: str | None, cities) -> str | None:
    """The official name of the city a URL value names (see city_code)."""
    code = city_code(value, cities)
    return next((city.name for city in cities if city.code == code), None)


def group_id(value: str | None, groups) -> str | None:
    """The id of the group a URL value names: its id or its name."""
    wanted = fold(value)
    if not wanted:
        return None
    for group in groups:
        if wanted in {fold(group.id), fold(group.name)}:
            return group.id
    return None


def proposal_id(value: str | None, ids) -> str | None:
    """The stored id a URL value names, whatever its case or width (112-j02 → 112-J02)."""
    wanted = fold(value)
    if not wanted:
        return None
    return next((i for i in ids if fold(i) == wanted), None)


SHOWN_MAX_CHARS = 40


def shown_value(text: str) -> str:
    """A value from the URL as quoted in a message: one line, cut short."""
    text = " ".join(str(text).split())
    return text if len(text) <= SHOWN_MAX_CHARS else text[:SHOWN_MAX_CHARS] + "…"
