"""文件下載: documents for each reader, for everyone: every proposal card of a working group or a
city in one .docx, and a city vice-mayor's one-page summary. Files are cached per store stamp.

The choices live in the URL (see pages/shared/url.py): the year as on every page (`?cycle=`, see
pages/shared/year_choice.py), `?group=transport` or `?city=臺北市` for the bundle, `&summary=新竹縣`
for the summary; defaults are left out, and a value
that names nothing is reported instead of silently replaced."""

import streamlit as st

from dashboard.documents import city_summary, minutes
from dashboard.domain import lookup, vocab
from pages.shared import cached, run_context, styling, url, year_choice
from pages.shared.documents_view import CITY, GROUP, bundle_bytes, bundle_info, summary_bytes

KINDS = {GROUP: "議題組", CITY: "縣市"}


def _group_labels(stamp, year: int) -> dict[str, str]:
    """Bundle groups of the year (not the staff group), sub-groups indented under their parent."""
    groups = cached.groups(stamp, year)
    return {g.id: (f"　└ {g.name}" if g.parent_id else g.name) for g in groups if g.kind != vocab.STAFF}


def _from_url(param: str, what: str, resolve, choices: list, hint: str):
    """The URL's value for `param` resolved to one of `choices`; None (and a message) when it names nothing."""
    raw = st.query_params.get(param)
    if not raw:
        return None
    found = resolve(raw)
    if found not in choices:
        url.unknown_in_url(what, raw, hint)
        return None
    return found


def _kind_changed() -> None:
    """Switching between group and city starts on the first of the other kind."""
    st.query_params.pop("group", None)
    st.query_params.pop("city", None)
    if st.session_state["doc_kind"] == CITY:
        st.query_params["city"] = st.session_state["doc_first_city"]


def render() -> None:
    stamp = run_context.get().stamp
    styling.style()
    st.title("文件下載")
    year = year_choice.chosen_year(stamp)
    if year is None:
        st.info("資料庫中還沒有任何年度的提案。")
        return
    labels = _group_labels(stamp, year)
    group_ids = list(labels)
    all_cities = cached.cities(stamp)
    cities = [c.name for c in all_cities]
    st.session_state["doc_first_city"] = cities[0]

    group = _from_url(
        "group", "議題組", lambda raw: lookup.group_id(raw, cached.groups(stamp, year)), group_ids, "請從下方選單選擇。"
    )
    city = _from_url("city", "縣市", lambda raw: url.resolve_city(raw, all_cities), cities, "請從下方選單選擇。")
    summary_city = (
        _from_url("summary", "縣市", lambda raw: url.resolve_city(raw, all_cities), cities, "請從下方選單選擇。")
        or cities[0]
    )
    kind = CITY if city and not group else GROUP
    group, city = group or group_ids[0], city or cities[0]

    st.caption(f"{year_choice.year_label(year)}（於側欄「年度」切換）")

    st.subheader("提案單彙編")
    st.caption(
        "一個議題組（含其分組）或一個縣市（主辦或參與合作）在該年度的所有合作提案單，合為一份 Word 檔："
        "封面、目錄，每案一頁起。"
    )
    url.seed_widget("doc_kind", kind)
    st.segmented_control(
        "依", list(KINDS), format_func=KINDS.get, required=True, key="doc_kind", on_change=_kind_changed
    )
    if kind == GROUP:
        url.seed_widget("doc_group", group)
        key = st.selectbox(
            "議題組",
            group_ids,
            format_func=labels.get,
            key="doc_group",
            on_change=url.widget_to_url,
            args=("doc_group", "group", group_ids[0]),
        )
    else:
        url.seed_widget("doc_city", city)
        key = st.selectbox("縣市", cities, key="doc_city", on_change=url.widget_to_url, args=("doc_city", "city"))
    title, ids, file_name = bundle_info(stamp, kind, key, year)
    st.markdown(f"**{url.md_text(title)}**：{year}年度共 {len(ids)} 案")
    st.download_button(
        f"下載 {title} 提案單彙編（.docx）",
        data=lambda: bundle_bytes(stamp, kind, key, year),
        file_name=file_name,
        mime=minutes.DOCX_MIME,
        on_click="ignore",
        icon=":material/download:",
        disabled=not ids,
        key="doc_bundle",
    )

    st.subheader("副首長一頁摘要")
    st.caption("縣市副首長用的 A4 一頁摘要：該縣市提案的類別與進度、本次會議決議事項、待處理事項，以及跨區支援數據。")
    url.seed_widget("doc_summary_city", summary_city)
    st.selectbox(
        "縣市",
        cities,
        key="doc_summary_city",
        on_change=url.widget_to_url,
        args=("doc_summary_city", "summary", cities[0]),
    )
    st.download_button(
        f"下載 {summary_city} 一頁摘要（.docx）",
        data=lambda: summary_bytes(stamp, summary_city, year),
        file_name=city_summary.file_name(summary_city, year),
        mime=minutes.DOCX_MIME,
        on_click="ignore",
        icon=":material/download:",
        key="doc_summary",
    )

    url.show_in_url(
        {
            "group": group if kind == GROUP and group != group_ids[0] else None,
            "city": city if kind == CITY else None,
            "summary": summary_city if summary_city != cities[0] else None,
        }
    )


if __name__ == "__main__":  # Streamlit runs a page as __main__; tests may import its parts
    render()
