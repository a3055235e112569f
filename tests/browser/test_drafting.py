"""Real pages in Debian's Chromium (Playwright): a draft from its first save, my documents, 撤回."""

from __future__ import annotations

from .conftest import open_first_task, submit_draft


def test_a_drafter_saves_submits_and_withdraws_from_my_documents(sign_in, server: str) -> None:
    drafter = sign_in("zhang")
    drafter.get_by_role("link", name="起草新公文").click()
    drafter.get_by_label("标题").fill("关于开展节能宣传周活动的通知")
    drafter.get_by_role("button", name="保存草稿").click()
    drafter.wait_for_selector("text=草稿已保存")
    # the saved draft keeps what was typed and waits in the inbox
    assert drafter.get_by_label("标题").input_value() == "关于开展节能宣传周活动的通知"
    drafter.get_by_role("link", name="待办").first.click()
    open_first_task(drafter, "起草")
    drafter.get_by_label("文件类型").select_option("general")
    drafter.get_by_label("正文").fill("各有关单位：现就开展节能宣传周活动通知如下。")
    drafter.get_by_label("公开属性", exact=True).select_option("proactive")
    submit_draft(drafter)

    row = drafter.get_by_role("row", name="关于开展节能宣传周活动的通知")
    assert "处室审核（处室负责人）" in row.inner_text()
    row.get_by_role("button", name="撤回").click()
    drafter.wait_for_selector("text=已撤回")
    assert drafter.get_by_label("标题").input_value() == "关于开展节能宣传周活动的通知"

    head = sign_in("li")
    assert head.get_by_role("link", name="处室审核").count() == 0
    drafter.goto(f"{server}/mine?state=drafting")
    assert drafter.get_by_role("row", name="关于开展节能宣传周活动的通知").count() == 1
