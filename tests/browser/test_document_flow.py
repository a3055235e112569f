"""Real pages in Debian's Chromium (Playwright): a document from draft to publication."""

from __future__ import annotations

from .conftest import approve_up_to_issue, open_first_task, submit, submit_draft


def test_a_document_goes_from_draft_to_publication(sign_in, server: str, tmp_path) -> None:
    drafter = sign_in("zhang")
    drafter.get_by_role("link", name="起草新公文").click()
    drafter.get_by_label("标题").fill("关于公布2026年重点领域信息公开目录的通知")
    drafter.get_by_label("文件类型").select_option("general")
    drafter.get_by_label("正文").fill("各区市人民政府，市政府各部门：\n现将目录印发给你们。")
    drafter.get_by_label("公开属性", exact=True).select_option("proactive")
    pdf = tmp_path / "目录.pdf"
    pdf.write_bytes(b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")
    drafter.get_by_label("附件（PDF、DOCX 或 OFD）").set_input_files(str(pdf))
    submit_draft(drafter)
    row = drafter.get_by_role("row", name="关于公布2026年重点领域信息公开目录的通知")
    assert "处室审核" in row.inner_text() and "审核中" in row.inner_text()

    def shows_the_draft(page) -> None:
        assert "关于公布2026年重点领域信息公开目录的通知" in page.content()
        assert page.get_by_role("link", name="目录.pdf").count() == 1

    approve_up_to_issue(sign_in, check=shows_the_draft)

    reviewer = sign_in("sun")
    open_first_task(reviewer, "保密审查")
    reviewer.get_by_label("审查结论").select_option("disclose")
    submit(reviewer)

    publisher = sign_in("zhou")
    assert publisher.locator("td", has_text="2026").count() >= 1  # due date shown
    open_first_task(publisher, "发布")
    assert "威政办发〔" in publisher.content()
    publisher.get_by_label("发布渠道").select_option("website")
    publisher.get_by_label("网址").fill("https://www.weihai.gov.cn/gk/1")
    publisher.once("dialog", lambda dialog: dialog.accept())  # publishing cannot be undone
    submit(publisher)

    public = publisher.context.browser.new_page()
    public.goto(f"{server}/public/")
    public.get_by_role("link", name="关于公布2026年重点领域信息公开目录的通知").click()
    text = public.locator(".body-text").inner_text()
    assert text.rstrip().endswith("（此件公开发布）")
    assert "威政办发〔" in public.content()
    public.close()

    publisher.goto(f"{server}/documents")
    publisher.get_by_role("link", name="查看").first.click()
    sheet = publisher.content()
    for name in ("张三", "李四", "王五", "赵六", "孙七", "周八", "主动公开"):
        assert name in sheet


def test_a_draft_without_attribute_is_returned(sign_in) -> None:
    drafter = sign_in("zhang")
    drafter.get_by_role("link", name="起草新公文").click()
    drafter.get_by_label("标题").fill("关于调整工作领导小组的通知")
    drafter.get_by_label("文件类型").select_option("general")
    drafter.get_by_label("正文").fill("正文。")
    drafter.get_by_role("button", name="提交").click()
    # Not "submitted": the drafter is back on the returned draft, with the reasons.
    drafter.wait_for_selector("form[enctype]")
    assert "被退回（退文）" in drafter.get_by_role("status").inner_text()
    notice = drafter.get_by_role("alert")
    assert "退文" in notice.inner_text()
    assert "未标明公开属性" in notice.inner_text()
    assert drafter.get_by_label("标题").input_value() == "关于调整工作领导小组的通知"

    reviewer = sign_in("li")
    assert reviewer.get_by_role("link", name="处室审核").count() == 0
