"""Steps of features/search.feature, run on SQLite and PostgreSQL through the real workflow."""

from __future__ import annotations

from typing import Any

import pytest
from pytest_bdd import given, parsers, scenarios, then, when

from engine import Engine, FormValidationError
from engine.disclosure.search import DocumentPage, parse_query

from .conftest import WORKFLOWS
from .helpers import Story, approve_until, document_of, task_of, waiting_task

# Naming ``engine`` puts its database parameter in each scenario (SQLite and PostgreSQL).
pytestmark = pytest.mark.usefixtures("engine")

scenarios("search.feature")

#: where the public pages are, as the web tells the engine
SITE = "https://gongkai.example.gov.cn/public/"
REVIEW = "confidentiality_review_task"


# -- the way of a document ---------------------------------------------------------------


def issue(
    engine: Engine,
    story: Story,
    title: str,
    text: str,
    doc_type: str = "general",
    attribute: str = "proactive",
) -> int:
    """Draft a document as zhang and have it approved and issued; return its instance."""
    instance = engine.start("document_approval", "zhang")
    draft: dict[str, Any] = {
        "title": title,
        "doc_type": doc_type,
        "body": text,
        "attribute": attribute,
    }
    if attribute == "withheld":
        draft["attribute_reason"] = "属于内部管理事务"
        draft["withheld_basis"] = "art16_internal_affairs"
    if doc_type == "policy":  # a policy goes for approval with its interpretation plan
        draft["interpretation_plan"] = "由起草处室撰写政策解读，随文件同步发布。"
    engine.complete_task(instance.ready_tasks[0].task_id, "zhang", draft)
    approve_until(engine, instance.id)
    story.by_title[title] = instance.id
    story.instance_id = instance.id
    return instance.id


def clear(engine: Engine, instance_id: int, hidden: str = "") -> None:
    """Conclude the confidentiality review: every finding hidden, and ``hidden`` by hand."""
    task = waiting_task(engine, instance_id, REVIEW)
    item = engine.queries.task_form(task.task_id, "sun").data["review_item"]
    findings = [f["id"] for f in item["findings"]]
    data: dict[str, Any] = {"review_conclusion": "disclose"}
    if findings or hidden:
        data = {
            "review_conclusion": "disclose_redacted",
            "confirmed_findings": findings,
            "manual_passages": hidden,
        }
    engine.complete_task(task.task_id, "sun", data)


def publish(engine: Engine, instance_id: int) -> None:
    """Publish a cleared document on the website."""
    task = task_of(engine, instance_id, "publish", "zhou")
    data = {"channel": "website", "url": "https://www.weihai.gov.cn/zwgk/1.html"}
    engine.complete_task(task.task_id, "zhou", data)


def document_id(engine: Engine, story: Story, title: str) -> int:
    return document_of(engine, story.by_title[title]).id


def titles(page: DocumentPage) -> list[str]:
    return [hit.document.title for hit in page.hits]


# -- given ---------------------------------------------------------------------------------


@given("the document approval workflow is deployed")
def deployed(engine: Engine) -> None:
    engine.deploy([WORKFLOWS / "document_approval.bpmn", WORKFLOWS / "confidentiality_review.bpmn"])


@given(parsers.parse('zhang\'s document "{title}" saying "{text}" has been issued'))
def issued_document(engine: Engine, story: Story, title: str, text: str) -> None:
    issue(engine, story, title, text)


@given(
    parsers.parse(
        'zhang\'s document "{title}" saying "{text}" marked {attribute:w} has been issued'
    )
)
def issued_marked(engine: Engine, story: Story, title: str, text: str, attribute: str) -> None:
    issue(engine, story, title, text, attribute=attribute)


@given(
    parsers.parse(
        'zhang\'s document "{title}" saying "{text}" has been reviewed but not yet published'
    )
)
def reviewed(engine: Engine, story: Story, title: str, text: str) -> None:
    clear(engine, issue(engine, story, title, text))


@given(parsers.parse('zhang\'s document "{title}" saying "{text}" has been published'))
def published(engine: Engine, story: Story, title: str, text: str) -> None:
    instance_id = issue(engine, story, title, text)
    clear(engine, instance_id)
    publish(engine, instance_id)


@given(parsers.parse('zhang\'s policy document "{title}" saying "{text}" has been published'))
def published_policy(engine: Engine, story: Story, title: str, text: str) -> None:
    instance_id = issue(engine, story, title, text, doc_type="policy")
    clear(engine, instance_id)
    publish(engine, instance_id)


@given(
    parsers.parse(
        'zhang\'s document "{title}" saying "{text}" has been published '
        'with "{name}" and the mobile number hidden'
    )
)
def published_hidden(engine: Engine, story: Story, title: str, text: str, name: str) -> None:
    instance_id = issue(engine, story, title, text)
    clear(engine, instance_id, hidden=name)
    publish(engine, instance_id)


# -- when ----------------------------------------------------------------------------------


def search_catalogue(engine: Engine, story: Story, user: str, **args: str) -> None:
    story.outcomes = [engine.catalogue.search(user, parse_query(args, public=False))]


def search_public(engine: Engine, story: Story, **args: str) -> None:
    story.error = None
    try:
        story.outcomes = [engine.catalogue.search_public(parse_query(args, public=True), SITE)]
    except FormValidationError as exc:
        story.error = exc
        story.outcomes = []


@when(parsers.parse('{user:w} searches the catalogue for "{words}"'))
def catalogue_words(engine: Engine, story: Story, user: str, words: str) -> None:
    search_catalogue(engine, story, user, q=words)


@when(parsers.parse('{user:w} searches the catalogue for the number "{number}"'))
def catalogue_number(engine: Engine, story: Story, user: str, number: str) -> None:
    search_catalogue(engine, story, user, number=number)


@when(parsers.parse('a citizen searches the public list for "{words}"'))
def public_words(engine: Engine, story: Story, words: str) -> None:
    search_public(engine, story, q=words)


@when(
    parsers.parse(
        'a citizen searches the public list for "{words}" in the category {doc_type:w} '
        "of the year {year:d}"
    )
)
def public_filtered(engine: Engine, story: Story, words: str, doc_type: str, year: int) -> None:
    search_public(engine, story, q=words, type=doc_type, year=str(year))


@when(parsers.parse('a citizen searches the public list for "{words}" of the year {year:d}'))
def public_year(engine: Engine, story: Story, words: str, year: int) -> None:
    search_public(engine, story, q=words, year=str(year))


@when(parsers.parse('a citizen searches the public list for "{words}" of the year "{year}"'))
def public_bad_year(engine: Engine, story: Story, words: str, year: str) -> None:
    search_public(engine, story, q=words, year=year)


@when(
    parsers.parse(
        'zhang publishes the interpretation of "{policy}" at the public page of "{interpretation}"'
    )
)
def interpret_here(engine: Engine, story: Story, policy: str, interpretation: str) -> None:
    address = f"{SITE}{document_id(engine, story, interpretation)}"
    interpret(engine, story, policy, interpretation, address)


@when(parsers.parse('zhang publishes the interpretation of "{policy}" at "{address}"'))
def interpret_elsewhere(engine: Engine, story: Story, policy: str, address: str) -> None:
    interpret(engine, story, policy, f"《{policy}》解读", address)


def interpret(engine: Engine, story: Story, policy: str, title: str, address: str) -> None:
    task = task_of(engine, story.by_title[policy], "interpret", "zhang")
    data = {"interpretation_title": title, "interpretation_url": address}
    engine.complete_task(task.task_id, "zhang", data)


# -- then ----------------------------------------------------------------------------------


@then(parsers.parse('he finds only "{title}"'))
def finds_only(story: Story, title: str) -> None:
    (page,) = story.outcomes
    assert titles(page) == [title]


@then("he finds nothing")
def finds_nothing(story: Story) -> None:
    (page,) = story.outcomes
    assert titles(page) == []


@then(parsers.parse('it is numbered "{number}"'))
def numbered(story: Story, number: str) -> None:
    (page,) = story.outcomes
    assert [hit.document.number for hit in page.hits] == [number]


@then(parsers.parse('the text he sees shows neither "{first}" nor "{second}"'))
def shows_neither(story: Story, first: str, second: str) -> None:
    (page,) = story.outcomes
    (hit,) = page.hits
    seen = hit.document.title + hit.document.official_text + "".join(p for p, _ in hit.excerpt)
    assert hit.document.official_text, "the public text is empty"
    assert first not in seen and second not in seen, seen
    assert "政务公开办主任" in seen


@then("the search is refused, naming the year")
def refused_year(story: Story) -> None:
    assert isinstance(story.error, FormValidationError), story.error
    assert list(story.error.errors) == ["year"]
    assert story.error.errors["year"][0].code == "form.whole_number"


@then(
    parsers.parse('the public page of "{policy}" shows beside its text the interpretation "{text}"')
)
def shows_interpretation(engine: Engine, story: Story, policy: str, text: str) -> None:
    page = engine.catalogue.public_page(document_id(engine, story, policy), SITE)
    assert page.interpretation is not None, "no interpretation beside the policy"
    assert text in page.interpretation.official_text
    assert page.document.interpretation_at is not None


@then(parsers.parse('the public page of "{interpretation}" names the policy "{policy}"'))
def names_policy(engine: Engine, story: Story, interpretation: str, policy: str) -> None:
    page = engine.catalogue.public_page(document_id(engine, story, interpretation), SITE)
    assert [p.title for p in page.interprets] == [policy]


@then(parsers.parse('the public list shows "{policy}" with its interpretation'))
def listed_with_interpretation(engine: Engine, story: Story, policy: str) -> None:
    page = engine.catalogue.search_public(parse_query({}, public=True), SITE)
    (hit,) = [h for h in page.hits if h.document.title == policy]
    assert hit.interpretation_id is not None
    interpretation = engine.catalogue.public_document(hit.interpretation_id)
    assert interpretation.title == hit.document.interpretation_title
    (back,) = [h for h in page.hits if h.document.id == hit.interpretation_id]
    assert back.interprets == ((hit.document.id, policy),)


@then(parsers.parse('the public page of "{policy}" links to "{address}"'))
def links_elsewhere(engine: Engine, story: Story, policy: str, address: str) -> None:
    page = engine.catalogue.public_page(document_id(engine, story, policy), SITE)
    assert page.interpretation is None
    assert page.document.interpretation_url == address
