"""文件下載: documents for each reader, for everyone: every proposal card of a working group or a
city in one .docx, and a city vice-mayor's one-page summary. Files are cached per store version."""
import streamlit as st

from dashboard import city_summary, minutes
from pages.shared import cached, styling
from pages.shared.documents_view import CITY, GROUP, bundle_bytes, bundle_info, summary_bytes, years

KINDS = {GROUP: "議題組", CITY: "縣市"}


def _group_labels(version) -> dict[str, str]:
    """Bundle groups (not the staff group), sub-groups indented under their parent."""
    return {g.id: (f"　└ {g.name}" if g.parent_id else g.name) for g in cached.groups(version) if g.kind != "staff"}


def render() -> None:
    version = cached.version()
    styling.style()
    st.title("文件下載")
    held = years(version)
    if not held:
        st.info("資料庫中還沒有任何年度的提案。")
        return
    year = st.selectbox("年度", held, format_func=lambda y: f"{y}年度", key="doc_year")
    cities = [c.name for c in cached.cities(version)]

    st.subheader("提案單彙編")
    st.caption("一個議題組（含其分組）或一個縣市（主辦或參與合作）在該年度的所有合作提案單，合為一份 Word 檔："
               "封面、目錄，每案一頁起。")
    kind = st.segmented_control("依", list(KINDS), format_func=KINDS.get, default=GROUP, required=True, key="doc_kind")
    if kind == GROUP:
        labels = _group_labels(version)
        key = st.selectbox("議題組", list(labels), format_func=labels.get, key="doc_group")
    else:
        key = st.selectbox("縣市", cities, key="doc_city")
    title, ids, file_name = bundle_info(version, kind, key, year)
    st.markdown(f"**{title}**：{year}年度共 {len(ids)} 案")
    st.download_button(f"下載 {title} 提案單彙編（.docx）", data=lambda: bundle_bytes(version, kind, key, year),
                       file_name=file_name, mime=minutes.DOCX_MIME, on_click="ignore",
                       icon=":material/download:", disabled=not ids, key="doc_bundle")

    st.subheader("副首長一頁摘要")
    st.caption("縣市副首長用的 A4 一頁摘要：該縣市提案的類別與進度、本次會議決議事項、待處理事項，以及跨區支援數據。")
    city = st.selectbox("縣市", cities, key="doc_summary_city")
    st.download_button(f"下載 {city} 一頁摘要（.docx）", data=lambda: summary_bytes(version, city, year),
                       file_name=city_summary.file_name(city, year),
                       mime=minutes.DOCX_MIME, on_click="ignore", icon=":material/download:", key="doc_summary")


if __name__ == "__main__":  # Streamlit runs a page as __main__; tests may import its parts
    render()
