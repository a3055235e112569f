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


def test_enter_in_a_drafts_box_saves_it_and_does_not_submit_it(sign_in, server: str) -> None:
    drafter = sign_in("zhang")
    drafter.get_by_role("link", name="起草新公文").click()
    drafter.get_by_label("标题").fill("关于回车只保存草稿的通知")
    with drafter.expect_navigation():
        drafter.get_by_label("标题").press("Enter")
    assert "草稿已保存" in drafter.get_by_role("status").inner_text()
    assert drafter.get_by_label("标题").input_value() == "关于回车只保存草稿的通知"
    # Saved, not sent for review: on my documents it is still being drafted.
    drafter.get_by_label("文件类型").select_option("general")
    drafter.get_by_label("正文").fill("各有关单位：现通知如下。")
    drafter.get_by_label("公开属性", exact=True).select_option("proactive")
    with drafter.expect_navigation():
        drafter.get_by_label("印发份数").press("Enter")
    assert "草稿已保存" in drafter.get_by_role("status").inner_text()
    drafter.goto(f"{server}/mine?state=drafting")
    assert drafter.get_by_role("row", name="关于回车只保存草稿的通知").count() == 1
    # The button submits it.
    drafter.get_by_role("link", name="关于回车只保存草稿的通知").click()
    submit_draft(drafter)
    row = drafter.get_by_role("row", name="关于回车只保存草稿的通知")
    assert "审核中" in row.inner_text()
