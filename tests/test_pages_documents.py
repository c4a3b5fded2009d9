"""AppTest of 文件下載: listed for everyone, a bundle per group or city with its count, a summary per
city; the files it hands out are the documents of dashboard/documents/bundles.py and city_summary.py."""

import io

import docx

from dashboard.domain.permissions import READER
from pages.shared import documents_view, page_list
from tests.pagetest import markdown_text, open_page
from tests.test_bundles import expected_city, expected_group, meeting_cycle


def _labels(at) -> list[str]:
    return [b.proto.label for b in at.get("download_button")]


def test_listed_for_everyone():
    assert page_list.listed(page_list.PAGES["documents"], READER)
    assert page_list.PAGES["documents"].title == "文件下載"


def test_a_group_bundle_by_default_then_a_city(store_url):
    cycle = meeting_cycle()
    at = open_page("documents")
    assert not at.exception
    assert f"{cycle}年度" in "\n".join(c.value for c in at.caption), "opens on the current cycle"
    first_group = at.selectbox(key="doc_group").value
    assert first_group == "development"
    assert f"{cycle}年度共 {len(expected_group('development', cycle))} 案" in markdown_text(at)
    assert _labels(at) == ["下載 發展推動組 提案單彙編（.docx）", "下載 宜蘭縣 一頁摘要（.docx）"]

    at.selectbox(key="doc_group").set_value("culture-education").run()
    assert f"**文化教育組**：{cycle}年度共 {len(expected_group('culture-education', cycle))} 案" in markdown_text(at)

    at.segmented_control(key="doc_kind").set_value("city").run()
    at.selectbox(key="doc_city").set_value("新竹縣").run()
    assert not at.exception
    assert f"**新竹縣**：{cycle}年度共 {len(expected_city('新竹縣', cycle))} 案" in markdown_text(at)
    at.selectbox(key="doc_summary_city").set_value("臺北市").run()
    assert _labels(at) == ["下載 新竹縣 提案單彙編（.docx）", "下載 臺北市 一頁摘要（.docx）"]


def test_the_files_handed_out_are_the_bundle_and_the_summary(store_url):
    from pages.shared import cached

    cycle = meeting_cycle()
    stamp = cached.store_stamp()
    title, ids, name = documents_view.bundle_info(stamp, documents_view.CITY, "臺北市", cycle)
    assert sorted(ids) == sorted(expected_city("臺北市", cycle)) and name == f"{cycle}年度_臺北市_合作提案單.docx"
    content = documents_view.bundle_bytes(stamp, documents_view.CITY, "臺北市", cycle)
    assert documents_view.bundle_bytes(stamp, documents_view.CITY, "臺北市", cycle) is content, "cached per stamp"
    contents = docx.Document(io.BytesIO(content)).tables[0]
    assert [row.cells[1].text for row in contents.rows[1:]] == ids
    summary = docx.Document(io.BytesIO(documents_view.summary_bytes(stamp, "臺北市", cycle)))
    assert summary.paragraphs[0].text.startswith("臺北市")


def test_the_choices_come_from_and_go_to_the_url(store_url):
    cycle = meeting_cycle()
    at = open_page("documents", {"city": "台北市", "cycle": f"{cycle}年度", "summary": "hsinchu-county"})
    assert not at.exception and not at.error
    assert at.segmented_control(key="doc_kind").value == "city"
    assert at.selectbox(key="doc_city").value == "臺北市"
    assert _labels(at) == ["下載 臺北市 提案單彙編（.docx）", "下載 新竹縣 一頁摘要（.docx）"]
    assert at.query_params["city"] == "臺北市" and at.query_params["summary"] == "新竹縣"
    assert at.query_params["cycle"] == str(cycle), "the year keeps one spelling in shared links"

    at.segmented_control(key="doc_kind").set_value("group").run()
    at.selectbox(key="doc_group").set_value("transport").run()
    assert at.query_params["group"] == "transport" and "city" not in at.query_params
    assert f"**交通運輸組**：{cycle}年度共 {len(expected_group('transport', cycle))} 案" in markdown_text(at)


def test_unknown_values_in_the_url_are_named(store_url):
    at = open_page("documents", {"group": "不存在組", "summary": "高雄市", "cycle": "1"})
    assert not at.exception
    errors = "\n".join(e.value for e in at.error)
    assert "不存在組" in errors and "高雄市" in errors and "網址中的年度" in errors
    assert _labels(at) == ["下載 發展推動組 提案單彙編（.docx）", "下載 宜蘭縣 一頁摘要（.docx）"]
