"""A field holding markdown after a blank line shows as text in a real browser: on the card, the
meeting page and the presenter view no image or link from the data is drawn, and no request goes to
another site (the image used to be fetched by every viewer). No fixed waits."""

import pytest
from playwright.sync_api import expect

from dashboard.domain import editing, proposal_yaml
from dashboard.domain.permissions import Actor
from dashboard.store.models import Proposal
from tests.browser.conftest import DONE, EXCEPTION, LOCAL, MAIN, RUN_TIMEOUT, store_server

pytestmark = pytest.mark.browser

PROPOSAL = "112-J01"  # a joint proposal on the meeting's list
MARKDOWN = "line\n\n![x](http://example.com/x.png) [link](http://example.com)"


def _with_markdown(session) -> None:
    """PROPOSAL's texts hold the markdown, as an edit would have stored them (first in the
    description, which the presenter view shortens)."""
    document = proposal_yaml.proposal_document(session, session.get(Proposal, PROPOSAL))
    editing.edit(
        session,
        actor=Actor.secretariat("祕書甲"),
        proposal_id=PROPOSAL,
        changes={
            "description": f"{MARKDOWN}\n{document['description']}",
            "contact": f"{document.get('contact') or ''}{MARKDOWN}",
            "title": f"{document['title']} [link](http://example.com)",
        },
        base_version=0,
        fields=proposal_yaml.KEYS,
    )


@pytest.fixture(scope="module")
def markdown_server(tmp_path_factory):
    with store_server(tmp_path_factory.mktemp("markdown"), prepare=_with_markdown) as (url, _):
        yield url


@pytest.mark.parametrize(
    "path", [f"/card?id={PROPOSAL}", f"/meeting?item={PROPOSAL}", f"/meeting?present=1&item={PROPOSAL}"]
)
def test_markdown_in_a_field_is_text_and_nothing_is_fetched_from_another_site(browser, markdown_server, path):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-TW")
    outside = []

    def route(r):
        if r.request.url.startswith(LOCAL):
            r.continue_()
        else:
            outside.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    try:
        page = context.new_page()
        page.goto(markdown_server + path)
        main = page.locator(MAIN)
        expect(main).to_contain_text("![x](http://example.com/x.png)", timeout=RUN_TIMEOUT)
        expect(page.locator(DONE)).to_be_attached(timeout=RUN_TIMEOUT)
        expect(page.locator(EXCEPTION)).to_have_count(0)
        assert main.locator('img[src*="example.com"]').count() == 0
        links = main.locator('a[href*="example.com"]')
        assert links.count() == 0, links.first.evaluate("a => a.parentElement.parentElement.outerHTML")
        assert outside == []
    finally:
        context.close()
