"""Real pages in Debian's Chromium (Playwright): a disclosure request from the form to the reply."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from engine import Engine
from engine.disclosure.privacy import id_check_char

from .conftest import PASSWORD, answering, asked_by_now, open_first_task, submit

NAME = "林小红"
FIRST17 = "37100219900101001"
RESIDENT_ID = FIRST17 + id_check_char(FIRST17)
DEPARTMENT = "综合处"
MOBILE = "13812345678"
MASKED_MOBILE = "138****5678"
REPLY = f"计划见附表，联系人张三，电话{MOBILE}。"
#: the request staff, beside conftest's USERS (wang of the office signs, sun reviews)
STAFF = {
    "wujiu": ("吴九", "registrar", "办公室"),
    "zhengshi": ("郑十", "handler", DEPARTMENT),
}


@pytest.fixture(scope="module")
def staff(site: tuple[str, Engine]) -> None:
    """Add the registrar and the handler, with their departments, to the served site."""
    engine = site[1]
    for username, (display_name, role, department) in STAFF.items():
        engine.users.add(username, [role], display_name, PASSWORD, department)


@pytest.fixture
def public(chromium: Any) -> Iterator[Any]:
    """Open a window for an applicant who is not signed in."""
    context = chromium.new_context(locale="zh-CN")
    yield context.new_page()
    context.close()


def ask(page: Any, server: str, description: str) -> tuple[str, str]:
    """Fill the public request form by its labels, send it with the keyboard; read the receipt."""
    page.goto(f"{server}/public/request")
    page.get_by_label("申请人类型").select_option(label="自然人")
    page.get_by_label("姓名或名称").fill(NAME)
    page.get_by_label("证件类型").select_option(label="居民身份证")
    page.get_by_label("证件号码").fill(RESIDENT_ID)
    page.get_by_label("通信地址").fill("威海市环翠区海滨路2号")
    page.get_by_label("所需信息的内容描述").fill(description)
    page.get_by_label("获取信息的载体形式").select_option(label="纸质")
    page.get_by_label("获取方式").select_option(label="邮寄")
    page.get_by_label("联系电话").fill("13900002222")
    page.get_by_label("联系电话").press("Enter")  # Enter in a text field sends the form
    page.wait_for_selector("h1:has-text('申请已登记')")
    number, code = page.locator("code.big").all_inner_texts()
    assert number.startswith("GK") and len(code) == 10
    return number, code


def look_up(page: Any, server: str, number: str, code: str) -> None:
    """Type the tracking number and query code on the status page, as a person would."""
    page.goto(f"{server}/public/status")
    page.wait_for_function(
        "document.activeElement && document.activeElement.id === 'tracking_number'"
    )
    page.keyboard.type(number)
    page.keyboard.press("Tab")
    page.keyboard.type(code)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def applicant_shown(page: Any) -> str:
    """Return the applicant as the request card of a task page shows him."""
    return page.locator("dt:has-text('申请人') + dd").inner_text()


def test_a_request_goes_from_the_public_form_to_a_de_identified_reply(
    staff: None, sign_in, public: Any, server: str
) -> None:
    number, code = ask(public, server, "2026年老旧小区改造计划及联系人")

    registrar = sign_in("wujiu")
    open_first_task(registrar, "受理审查")
    assert NAME in applicant_shown(registrar)
    registrar.get_by_label("受理意见").select_option(label="受理，交承办处室办理")
    registrar.get_by_label("承办处室").fill(DEPARTMENT)
    submit(registrar)

    handler = sign_in("zhengshi")
    open_first_task(handler, "办理")
    assert NAME in applicant_shown(handler)
    # Only the fields of the way he handles it are shown: the reply's for a reply.
    extension = handler.get_by_label("延长期限（工作日）")
    assert not handler.get_by_label("答复类型").is_visible() and not extension.is_visible()
    handler.get_by_label("办理方式").select_option(label="申请延期答复（第三十三条）")
    assert handler.get_by_label("延期理由").is_visible() and extension.input_value() == "20"
    assert not handler.get_by_label("答复类型").is_visible()
    handler.get_by_label("办理方式").select_option(label="拟定答复")
    assert not handler.get_by_label("延期理由").is_visible()
    handler.get_by_label("答复类型").select_option(label="予以公开")
    handler.get_by_label("答复内容").fill(REPLY)
    submit(handler)

    reviewer = sign_in("sun")
    open_first_task(reviewer, "保密审查")
    assert REPLY in reviewer.get_by_role("group", name="待审查的原文").inner_text()
    assert reviewer.locator(".review-text mark").all_inner_texts() == ["张三", MOBILE]
    assert reviewer.get_by_role("checkbox").count() == 2
    for masked in ("张*", MASKED_MOBILE):  # the name after 联系人, the mobile
        finding = reviewer.get_by_role("checkbox", name=masked)
        assert finding.is_checked()  # every finding is confirmed unless unticked
    reviewer.get_by_label("审查结论").select_option(label="去标识化后公开")
    reviewer.get_by_label("审查依据").fill("依据条例第十五条对个人信息去标识化处理")
    submit(reviewer)

    office = sign_in("wang")
    open_first_task(office, "签发答复")
    office.get_by_label("签发意见").select_option(label="同意")
    # The reply goes out when signed: the office head confirms, and a "no" sends nothing.
    asked = answering(office, [False, True])
    office.get_by_role("button", name="提交").click()
    assert len(asked_by_now(office, asked, 1)) == 1 and "送达申请人" in asked[0]
    look_up(public, server, number, code)
    assert public.locator("dt:has-text('办理状态') + dd").inner_text() != "已答复"
    submit(office)
    assert len(asked) == 2

    look_up(public, server, number, code)
    assert public.locator("dt:has-text('办理状态') + dd").inner_text() == "已答复"
    letter = public.get_by_role("article", name="政府信息公开申请答复书").inner_text()
    assert "予以公开" in letter
    assert f"计划见附表，联系人张*，电话{MASKED_MOBILE}" in letter
    page = public.content()
    for personal in (MOBILE, NAME, RESIDENT_ID):
        assert personal not in page

    look_up(public, server, number, "WRONGWRONG")
    assert "受理编号或查询码不正确" in public.get_by_role("alert").inner_text()
    assert "已答复" not in public.content()


def test_the_registrar_accepts_without_a_correction_period(
    staff: None, sign_in, public: Any, server: str
) -> None:
    ask(public, server, "2026年城区道路改造项目清单")
    registrar = sign_in("wujiu")
    open_first_task(registrar, "受理审查")
    period = registrar.get_by_label("补正期限（工作日）")
    registrar.get_by_label("受理意见").select_option(label="申请内容不明确，告知补正")
    registrar.get_by_label("承办处室").wait_for(state="hidden")  # page.js runs on change
    assert period.is_visible() and not registrar.get_by_label("承办处室").is_visible()
    registrar.get_by_label("受理意见").select_option(label="受理，交承办处室办理")
    assert not period.is_visible()  # what a correction needs is not asked of an acceptance
    registrar.get_by_label("承办处室").fill(DEPARTMENT)
    registrar.get_by_role("button", name="提交").click()
    registrar.wait_for_selector("h1:has-text('待办事项'), .field.has-error")
    assert registrar.locator(".field.has-error").all_inner_texts() == []
