"""Nothing typed is lost by a sign-out: the tab keeps the form, the sign-in goes back to it."""

from __future__ import annotations

import re
from typing import Any

import pytest

from engine import Engine

from .conftest import PASSWORD

TITLE = "关于做好2025年政务公开重点工作的通知"
BODY = "各区人民政府，市政府各委、办、局：\n\n为做好今年的政务公开工作，现将有关事项通知如下。"
ENDED = "您的登录已失效（超时或已退出），请重新登录。"
KEPT = "您刚才填写的内容已保留在本标签页中，登录后回到原页面会自动恢复。"
RESTORED = "已恢复您上次未保存的内容"


@pytest.fixture(scope="module", autouse=True)
def second_drafter(site: tuple[str, Engine]) -> None:
    """A colleague who drafts too, and may sit at the same PC."""
    site[1].users.add("zhang2", ["drafter"], "张三二", PASSWORD)


def type_draft(page: Any, server: str, title: str, body: str = "") -> None:
    page.goto(f"{server}/drafts/new")
    page.get_by_label("标题").fill(title)
    if body:
        page.get_by_label("正文").fill(body)


def sign_in_here(page: Any, username: str) -> None:
    """Sign in on the sign-in page open in this tab."""
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()


def save_with_the_session_gone(page: Any) -> None:
    page.context.clear_cookies()  # the session expired
    page.get_by_role("button", name="保存草稿").click()
    page.wait_for_url(re.compile(r"/login\?next=(/|%2F)drafts(/|%2F)new$"))


def notice(page: Any) -> Any:
    return page.locator(".keep-notice[role=status]")


def test_a_draft_typed_before_the_session_ended_comes_back_after_sign_in(
    sign_in, server: str
) -> None:
    page = sign_in("zhang")
    type_draft(page, server, TITLE, BODY)
    save_with_the_session_gone(page)
    assert page.get_by_role("status").filter(has_text=ENDED).is_visible()
    assert page.get_by_text(KEPT).is_visible()

    sign_in_here(page, "zhang")
    page.wait_for_url(f"{server}/drafts/new")
    notice(page).get_by_text(RESTORED).wait_for()
    assert page.get_by_label("标题").input_value() == TITLE
    assert page.get_by_label("正文").input_value() == BODY

    page.get_by_role("button", name="保存草稿").click()
    page.wait_for_selector("text=草稿已保存")
    assert notice(page).count() == 0
    assert page.get_by_label("标题").input_value() == TITLE
    assert page.get_by_label("正文").input_value() == BODY
    page.goto(f"{server}/mine")
    assert page.get_by_role("row", name=TITLE).count() == 1

    page.goto(f"{server}/drafts/new")
    page.wait_for_load_state("load")
    assert notice(page).count() == 0
    assert page.get_by_label("标题").input_value() == ""


def test_a_saved_draft_is_not_restored_and_a_restored_one_can_be_discarded(
    sign_in, server: str
) -> None:
    page = sign_in("zhang")
    type_draft(page, server, "已保存的通知", "正文")
    page.get_by_role("button", name="保存草稿").click()
    # Back at once, before the page the save led to has had a moment to run a script.
    page.wait_for_url(re.compile(r"/tasks/"), wait_until="commit")
    page.goto(f"{server}/drafts/new")
    page.wait_for_load_state("load")
    assert notice(page).count() == 0
    assert page.get_by_label("标题").input_value() == ""

    # Typed, left without saving, opened again: put back, and the user may decline it.
    page.get_by_label("标题").fill("未保存的通知")
    page.wait_for_timeout(600)  # the tab keeps what is typed after a short pause
    page.get_by_role("link", name="待办").first.click()
    page.wait_for_selector("h1:has-text('待办事项')")
    page.goto(f"{server}/drafts/new")
    notice(page).get_by_text(RESTORED).wait_for()
    assert page.get_by_label("标题").input_value() == "未保存的通知"
    notice(page).get_by_role("button", name="放弃恢复的内容").click()
    assert notice(page).count() == 0
    assert page.get_by_label("标题").input_value() == ""
    page.reload()
    page.wait_for_load_state("load")
    assert notice(page).count() == 0


def test_another_user_in_the_same_tab_never_gets_the_text(sign_in, server: str) -> None:
    page = sign_in("zhang")
    type_draft(page, server, "张三的草稿", "只给张三看的正文")
    save_with_the_session_gone(page)
    sign_in_here(page, "zhang2")
    page.wait_for_url(f"{server}/drafts/new")
    page.wait_for_load_state("load")
    page.wait_for_timeout(200)
    assert notice(page).count() == 0
    assert page.get_by_label("标题").input_value() == ""
    assert page.get_by_label("正文").input_value() == ""
    assert page.evaluate("sessionStorage.length") == 0

    # Signing out forgets what the tab kept, even of a form never sent.
    page.get_by_label("标题").fill("张三二的半成品")
    page.wait_for_timeout(600)
    assert page.evaluate("sessionStorage.length") == 1
    page.get_by_role("button", name="退出").click()
    page.wait_for_selector("text=您已退出")
    assert page.evaluate("sessionStorage.length") == 0
    assert not page.get_by_text(KEPT).is_visible()
    sign_in_here(page, "zhang2")
    page.wait_for_url(f"{server}/")
    page.goto(f"{server}/drafts/new")
    page.wait_for_load_state("load")
    assert notice(page).count() == 0
    assert page.get_by_label("标题").input_value() == ""


def test_a_reviewers_opinion_typed_before_the_session_ended_comes_back(
    sign_in, server: str, site: tuple[str, Engine]
) -> None:
    engine = site[1]
    started = engine.start("document_approval", "zhang")
    draft = {"title": "关于做好年度报告编制的通知", "doc_type": "general", "body": BODY}
    engine.complete_task(
        started.ready_tasks[0].task_id, "zhang", {**draft, "attribute": "proactive"}
    )
    (task,) = [t for t in engine.queries.list_tasks("li") if t.instance_id == started.id]
    opinion = "标题中的“保留”一词不妥，请修改后再报。\n第二段请补充依据。"
    page = sign_in("li")
    page.goto(f"{server}/tasks/{task.task_id}")
    page.get_by_label("审核意见").select_option("send_back")
    page.get_by_label("意见说明").fill(opinion)
    page.context.clear_cookies()  # the session expired while he wrote
    page.get_by_role("button", name="提交").click()
    page.wait_for_url(re.compile(r"/login\?next="))
    assert page.get_by_text(KEPT).is_visible()

    sign_in_here(page, "li")
    page.wait_for_url(f"{server}/tasks/{task.task_id}")
    notice(page).get_by_text(RESTORED).wait_for()
    assert page.get_by_label("审核意见").input_value() == "send_back"
    assert page.get_by_label("意见说明").input_value() == opinion
    assert engine.queries.list_tasks("li")  # nothing was sent: he decides again
