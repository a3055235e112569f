"""Real pages in Debian's Chromium (Playwright): the drafting fields, and the official PDF."""

from __future__ import annotations

import io
from typing import Any

from pypdf import PdfReader

from engine import Engine

from .conftest import approve_up_to_issue

TITLE = "关于做好2027年元旦春节期间有关工作的通知"
AGENCY = {"name": "威海市人民政府办公室", "address": "山东省威海市环翠区统一路1号"}


def test_the_drafter_downloads_the_official_text_from_the_document_page(
    sign_in, site: tuple[str, Engine]
) -> None:
    server, engine = site
    engine.users.add("official_admin", ["admin"])
    engine.agency.save("official_admin", AGENCY)
    instance_id = engine.start("document_approval", "zhang").id
    (task,) = engine.queries.get_instance(instance_id).ready_tasks

    drafter = sign_in("zhang")
    drafter.goto(f"{server}/tasks/{task.task_id}")
    drafter.get_by_label("标题").fill(TITLE)
    drafter.get_by_label("文件类型").select_option("general")
    drafter.get_by_label("紧急程度").select_option(label="加急")
    drafter.get_by_label("主送机关").fill("各区市人民政府，市政府各部门")
    drafter.get_by_label("正文").fill("现就做好有关工作通知如下。")
    drafter.get_by_label("抄送机关").fill("市委办公室，市人大常委会办公室")
    drafter.get_by_label("印发份数").fill("-5")
    drafter.get_by_label("公开属性", exact=True).select_option("proactive")
    drafter.get_by_role("button", name="提交", exact=True).click()
    # refused beside the field, with what was typed kept
    drafter.wait_for_selector("#copies-error")
    assert drafter.get_by_label("主送机关").input_value() == "各区市人民政府，市政府各部门"
    drafter.get_by_label("印发份数").fill("40")
    drafter.get_by_role("button", name="提交", exact=True).click()
    drafter.wait_for_url(lambda url: "/tasks/" not in url)

    def shows_the_drafting_fields(page: Any) -> None:
        content = page.content()
        assert "各区市人民政府，市政府各部门" in content and "加急" in content

    approve_up_to_issue(sign_in, check=shows_the_drafting_fields)

    (document,) = [d for d in engine.catalogue.list_documents("wang") if d.title == TITLE]
    drafter.goto(f"{server}/documents/{document.id}")
    link = drafter.get_by_role("link", name="下载正式文本（PDF）")
    link.focus()
    with drafter.expect_download() as download:
        drafter.keyboard.press("Enter")
    assert download.value.suggested_filename == f"{document.number}.pdf"
    reader = PdfReader(io.BytesIO(download.value.path().read_bytes()))
    text = "".join(page.extract_text().replace("\n", "") for page in reader.pages)
    for part in (
        "加急",
        "威海市人民政府办公室文件",
        document.number,
        TITLE,
        "各区市人民政府，市政府各部门：",
        "现就做好有关工作通知如下。",
        "（此件公开发布）",
        "抄送：市委办公室，市人大常委会办公室。",
        "印发",
    ):
        assert part in text, part
    for page in reader.pages:
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)

    # the approval sheet links the same text and shows the fields the clerks filled in
    drafter.goto(f"{server}/instances/{instance_id}/sheet")
    sheet = drafter.content()
    for shown in ("张三", "李四", "40", "加急", "市委办公室，市人大常委会办公室"):
        assert shown in sheet, shown
    assert drafter.get_by_role("link", name="下载正式文本（PDF）").count() == 1
