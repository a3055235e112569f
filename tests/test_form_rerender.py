"""A task form refused for its errors comes back holding exactly what was sent (issue 7, item 6)."""

from __future__ import annotations

import re

import lxml.html
import pytest
from flask import Flask
from werkzeug.datastructures import MultiDict

from webui import get_engine

from .web import Browser, task_id_of, task_link


class Task:
    """One user's open task of a seeded instance, as the task page shows it."""

    def __init__(self, app: Flask, username: str) -> None:
        self.engine = get_engine(app)
        self.browser = Browser(app.test_client()).login(username)
        self.path = task_link(self.browser.get("/"))
        page = self.browser.get(self.path)
        self.instance_id = self.engine.queries.get_task(task_id_of(self.path)).instance_id
        self.version = re.search(r'name="_version" value="(\d+)"', page).group(1)
        self.before = self.state()

    def state(self) -> tuple[int, int, list[str]]:
        """Return the instance version, the length of its history and its waiting tasks."""
        instance = self.engine.queries.get_instance(self.instance_id)
        waiting = [t.task_id for t in instance.ready_tasks]
        return instance.version, len(self.engine.queries.history(self.instance_id)), waiting

    def refused(self, data: MultiDict | dict) -> lxml.html.FormElement:
        """Post ``data``, check it is refused and changed nothing, and return the form back."""
        data = MultiDict(data)
        data.setdefault("_version", self.version)
        html = self.browser.post(self.path, data, 422)
        assert self.state() == self.before
        assert task_id_of(self.path) in self.before[2]
        return lxml.html.fromstring(html).xpath("//form[@enctype]")[0]

    def resubmitted(self, form: lxml.html.FormElement) -> lxml.html.FormElement:
        """Submit the page's form untouched, as a browser would, and return the form back."""
        sent = MultiDict(form.form_values())
        for box in form.xpath(".//textarea"):
            sent.setlist(box.name, [text(form, box.name)])
        return self.refused(sent)


def select(form: lxml.html.FormElement, name: str) -> tuple[str | None, list[tuple[str, str]]]:
    """Return what a browser would send for a select, and its selected (value, text) options."""
    box = form.xpath(f'.//select[@name="{name}"]')[0]
    chosen = [(o.get("value"), o.text_content()) for o in box.xpath("option[@selected]")]
    return box.value, chosen


def text(form: lxml.html.FormElement, name: str) -> str:
    """Return the value a browser would send for a text input or textarea."""
    box = form.xpath(f'.//*[@name="{name}"]')[0]
    if box.tag == "textarea":  # browsers drop a line break right after <textarea>; lxml keeps it
        return box.value.removeprefix("\n")
    return box.value


def error(form: lxml.html.FormElement, name: str) -> str:
    """Return the error message shown next to a field."""
    found = form.xpath(f'.//p[@id="{name}-error"]')
    return found[0].text_content() if found else ""


REVIEW = {
    "comment": "",
    "attribute": "on_request",
    "attribute_reason": "仅涉及内部培训安排。",
    "withheld_basis": "",
}


@pytest.mark.parametrize("sent", ["", "bogus"])
def test_a_required_choice_left_blank_comes_back_blank(app: Flask, sent: str) -> None:
    review = Task(app, "lisi")
    form = review.refused({**REVIEW, "decision": sent})
    for _ in range(2):  # as sent, then as the page sends it again untouched
        assert select(form, "decision") == ("", [("", "请选择")])
        assert error(form, "decision")
        assert select(form, "attribute") == ("on_request", [("on_request", "依申请公开")])
        form = review.resubmitted(form)


def test_a_required_choice_blanked_does_not_fall_back_to_the_case_value(app: Flask) -> None:
    review = Task(app, "lisi")
    form = review.refused({**REVIEW, "decision": "approve", "attribute": ""})
    for _ in range(2):
        assert select(form, "attribute") == ("", [("", "请选择")])
        assert select(form, "decision") == ("approve", [("approve", "同意")])
        form = review.resubmitted(form)


def test_texts_and_optional_choices_come_back_as_sent(app: Flask) -> None:
    review = Task(app, "lisi")
    sent = {
        "decision": "send_back",
        "comment": "",
        "attribute": "withheld",
        "attribute_reason": "",
        "withheld_basis": "",
    }
    form = review.refused(sent)
    for _ in range(2):
        assert select(form, "decision") == ("send_back", [("send_back", "退回")])
        assert select(form, "attribute") == ("withheld", [("withheld", "不予公开")])
        assert select(form, "withheld_basis") == ("", [("", "（不适用）")])
        assert text(form, "comment") == ""
        assert text(form, "attribute_reason") == ""  # not the reason the case holds
        assert error(form, "comment") and error(form, "withheld_basis")
        form = review.resubmitted(form)


def test_a_textarea_keeps_its_leading_line_break(app: Flask) -> None:
    review = Task(app, "lisi")
    form = review.refused({**REVIEW, "decision": "", "comment": "\n第二行"})
    assert text(form, "comment") == "\n第二行"


@pytest.mark.parametrize("sent", ["", "bogus"])
def test_the_publish_action_is_not_put_back_to_publish(app: Flask, sent: str) -> None:
    publish = Task(app, "zhouba")
    form = publish.refused({"publish_action": sent, "channel": "", "url": ""})
    for _ in range(2):
        assert select(form, "publish_action") == ("", [("", "请选择")])
        assert select(form, "channel") == ("", [("", "请选择")])
        assert error(form, "publish_action")
        form = publish.resubmitted(form)


def test_publishing_without_a_channel_keeps_the_chosen_action(app: Flask) -> None:
    publish = Task(app, "zhouba")
    form = publish.refused({"publish_action": "publish", "channel": "", "url": ""})
    assert select(form, "publish_action") == ("publish", [("publish", "发布")])
    assert select(form, "channel") == ("", [("", "请选择")])
    assert error(form, "channel")
    publish.resubmitted(form)


def test_the_draft_keeps_its_blank_choices_and_ticked_box(app: Flask) -> None:
    draft = Task(app, "zhangsan")
    sent = {
        "title": "",
        "doc_type": "",
        "body": "正文",
        "attribute": "",
        "attribute_reason": "",
        "withheld_basis": "",
        "government_draft": "true",
    }
    form = draft.refused(sent)
    for _ in range(2):
        assert select(form, "doc_type") == ("", [("", "请选择")])
        assert select(form, "attribute") == ("", [("", "（未定）")])
        assert text(form, "title") == ""
        assert form.xpath('.//input[@name="government_draft"]')[0].checked
        form = draft.resubmitted(form)
    form = draft.refused({**sent, "government_draft": "false"})  # only a forged post says false
    assert not form.xpath('.//input[@name="government_draft"]')[0].checked
    form = draft.refused({**sent, "attribute": "bogus"})
    assert select(form, "attribute") == ("", [("", "（未定）")])
    assert error(form, "attribute")


def test_a_fresh_form_selects_only_the_defaults(app: Flask) -> None:
    review, publish = Task(app, "lisi"), Task(app, "zhouba")
    form = lxml.html.fromstring(review.browser.get(review.path)).xpath("//form[@enctype]")[0]
    assert select(form, "decision") == ("", [("", "请选择")])
    assert select(form, "attribute") == ("on_request", [("on_request", "依申请公开")])
    assert text(form, "attribute_reason") == "仅涉及内部培训安排。"
    form = lxml.html.fromstring(publish.browser.get(publish.path)).xpath("//form[@enctype]")[0]
    assert select(form, "publish_action") == ("publish", [("publish", "发布")])


def test_the_confidentiality_review_keeps_the_findings_as_ticked(app: Flask) -> None:
    review = Task(app, "sunqi")
    page = lxml.html.fromstring(review.browser.get(review.path)).xpath("//form[@enctype]")[0]
    findings = [box.get("value") for box in page.xpath('.//input[@name="confirmed_findings"]')]
    assert len(findings) == 4  # 当事人王小明, the ID, the mobile, the e-mail
    sent = MultiDict(
        [
            ("review_conclusion", ""),
            ("review_basis", ""),
            ("confirmed_findings", findings[1]),
            ("manual_passages", ""),
            ("exemption", ""),
            ("exemption_reason", ""),
        ]
    )
    form = review.refused(sent)
    for _ in range(2):
        ticked = [b.get("value") for b in form.xpath('.//input[@name="confirmed_findings"]')]
        assert ticked == findings
        checked = form.xpath('.//input[@name="confirmed_findings"][@checked]')
        assert [b.get("value") for b in checked] == [findings[1]]
        assert select(form, "review_conclusion") == ("", [("", "请选择")])
        assert select(form, "exemption") == ("", [("", "（无）")])
        form = review.resubmitted(form)
