"""Real pages in Debian's Chromium (Playwright): the confidentiality review de-identifies."""

from __future__ import annotations

from engine.disclosure.privacy import id_check_char

from .conftest import approve_up_to_issue, open_first_task, submit, submit_draft

RESIDENT_ID = "37100219850612301" + id_check_char("37100219850612301")
MOBILE = "13806311234"
EMAIL = "wangxf@example.com"
NAME = "王晓锋"  # found in the row 王晓锋，男，… and where it stands again; hidden by hand too
TITLE = "关于表彰2026年度见义勇为先进个人的通报"
BODY = (
    "各区市人民政府，市政府各部门：\n"
    f"{NAME}同志在抢险救灾中表现突出，现予通报表彰。\n"
    f"{NAME}，男，公民身份号码{RESIDENT_ID}，联系电话{MOBILE}，电子邮箱{EMAIL}。\n"
    "特此通报。"
)
MASKED = {
    RESIDENT_ID: RESIDENT_ID[:4] + "*" * 10 + RESIDENT_ID[-4:],
    MOBILE: "138****1234",
    EMAIL: "w*****@example.com",
}


def test_the_reviewer_de_identifies_what_the_public_page_shows(sign_in, server: str) -> None:
    drafter = sign_in("zhang")
    drafter.get_by_role("link", name="起草新公文").click()
    drafter.get_by_label("标题").fill(TITLE)
    drafter.get_by_label("文件类型").select_option("general")
    drafter.get_by_label("正文").fill(BODY)
    drafter.get_by_label("公开属性", exact=True).select_option("proactive")
    submit_draft(drafter)

    approve_up_to_issue(sign_in)

    reviewer = sign_in("sun")
    open_first_task(reviewer, "保密审查")
    review_text = reviewer.get_by_role("group", name="待审查的原文")
    assert RESIDENT_ID in review_text.inner_text()
    marks = reviewer.locator(".review-text mark")
    assert sorted(marks.all_inner_texts()) == sorted([NAME, NAME, *MASKED])
    findings = reviewer.get_by_role("checkbox")
    assert findings.count() == 5
    for original, masked in MASKED.items():
        finding = reviewer.get_by_role("checkbox", name=masked)
        assert original in finding.locator("xpath=..").inner_text()
        assert finding.is_checked()  # every finding is confirmed unless unticked
    names = reviewer.get_by_role("checkbox", name="王**")
    assert names.count() == 2
    assert all(box.is_checked() for box in names.all())
    reviewer.get_by_label("另行遮盖的内容（每行一处）").fill(NAME)
    reviewer.get_by_label("审查结论").select_option(label="去标识化后公开")
    submit(reviewer)

    publisher = sign_in("zhou")
    open_first_task(publisher, "发布")
    # the publisher sees what goes out: the de-identified text and the review that cleared it
    preview = publisher.get_by_role("region", name="将要发布的内容").inner_text()
    for original, masked in MASKED.items():
        assert masked in preview
        assert original not in publisher.content()
    assert "去标识化后公开" in preview and "孙七" in preview
    publisher.get_by_label("发布渠道").select_option("website")
    publisher.get_by_label("网址").fill("https://www.weihai.gov.cn/gk/2")
    publisher.once("dialog", lambda dialog: dialog.accept())  # publishing cannot be undone
    submit(publisher)

    public = publisher.context.browser.new_page()
    public.goto(f"{server}/public/")
    public.get_by_role("link", name=TITLE).click()
    public.wait_for_url(f"{server}/public/*")
    text = public.locator(".body-text").inner_text()
    for original, masked in MASKED.items():
        assert masked in text
        assert original not in text
    assert NAME not in public.content()
    assert "*" * len(NAME) + "同志在抢险救灾中" in text
    assert text.rstrip().endswith("（此件公开发布）")
    public.close()
