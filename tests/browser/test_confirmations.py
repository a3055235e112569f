"""Real pages in Debian's Chromium: what cannot be undone asks first; a "no" changes nothing."""

from __future__ import annotations

from typing import Any

from .conftest import (
    answering,
    approve_up_to_issue,
    asked_by_now,
    open_first_task,
    submit,
    submit_draft,
)


def _issue(sign_in: Any, title: str, doc_type: str) -> None:
    """Draft a proactive document as the drafter, and have it approved up to its issue."""
    drafter = sign_in("zhang")
    drafter.get_by_role("link", name="起草新公文").click()
    drafter.get_by_label("标题").fill(title)
    drafter.get_by_label("文件类型").select_option(doc_type)
    drafter.get_by_label("正文").fill("各区市人民政府，市政府各部门：\n现将有关事项通知如下。")
    drafter.get_by_label("公开属性", exact=True).select_option("proactive")
    submit_draft(drafter)
    approve_up_to_issue(sign_in)


def _publishing(sign_in: Any, title: str) -> Any:
    """Issue a document, clear it in the confidentiality review; return the publisher's task."""
    _issue(sign_in, title, "general")
    reviewer = sign_in("sun")
    open_first_task(reviewer, "保密审查")
    reviewer.get_by_label("审查结论").select_option("disclose")
    submit(reviewer)
    publisher = sign_in("zhou")
    open_first_task(publisher, "发布")
    return publisher


def test_the_publisher_confirms_before_the_text_goes_public(sign_in: Any, server: str) -> None:
    title = "关于发布前须确认的通知"
    publisher = _publishing(sign_in, title)
    task_url = publisher.url
    asked = answering(publisher, [False, True])
    publisher.get_by_label("发布渠道").select_option("website")
    publisher.get_by_label("网址").fill("https://www.weihai.gov.cn/gk/confirm")
    # "No": the form is not sent, the task stays open and the public page does not show it.
    publisher.get_by_role("button", name="提交").click()
    assert len(asked_by_now(publisher, asked, 1)) == 1 and "发布不能撤回" in asked[0]
    assert publisher.url == task_url
    assert publisher.get_by_label("网址").input_value() == "https://www.weihai.gov.cn/gk/confirm"
    public = publisher.context.new_page()
    public.goto(f"{server}/public/")
    assert public.get_by_role("link", name=title).count() == 0
    # "Yes": published.
    submit(publisher)
    assert len(asked) == 2
    public.reload()
    assert public.get_by_role("link", name=title).count() == 1


def test_sending_back_for_a_new_review_asks_nothing(sign_in: Any) -> None:
    publisher = _publishing(sign_in, "关于退回重新审查不必确认的通知")
    asked = answering(publisher, [])
    publisher.get_by_label("办理方式").select_option("review_again")
    submit(publisher)
    assert asked == []


def test_the_office_confirms_a_repeal_and_a_no_leaves_the_document_in_force(
    sign_in: Any, server: str
) -> None:
    title = "威海市政务公开确认废止办法"
    _issue(sign_in, title, "normative")
    office = sign_in("wang")
    office.goto(f"{server}/documents")
    office.get_by_role("link", name=title).click()
    office.wait_for_selector("h1")
    asked = answering(office, [False, True])
    office.get_by_label("废止日期").fill("2099-01-01")
    office.get_by_label("废止理由").fill("已被新办法取代。")
    office.get_by_role("button", name="废止").click()
    assert len(asked_by_now(office, asked, 1)) == 1
    assert title in asked[0] and "不能恢复" in asked[0]
    # Still offered: not repealed.
    assert office.get_by_role("heading", name="废止", exact=True).count() == 1
    with office.expect_navigation():
        office.get_by_role("button", name="废止").click()
    assert len(asked) == 2
    assert "已废止该文件。" in office.get_by_role("status").inner_text()
    assert office.get_by_role("heading", name="废止", exact=True).count() == 0
