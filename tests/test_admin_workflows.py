"""The admin's workflow page: deployed versions, and deploying uploaded BPMN files."""

from __future__ import annotations

import io

from flask import Flask

from webui import get_engine
from webui.admin import BUNDLED_DEPLOYER

from .conftest import WORKFLOWS
from .test_accessibility import audit
from .web import Browser

SIMPLE = (WORKFLOWS / "simple_approval.bpmn").read_bytes()


def upload(*files: tuple[bytes, str]) -> dict:
    return {"files": [(io.BytesIO(data), name) for data, name in files]}


def test_the_admin_deploys_a_workflow_and_sees_its_versions(app: Flask) -> None:
    engine = get_engine(app)
    admin = Browser(app.test_client()).login("admin")
    assert 'href="/admin/workflows"' in admin.get("/admin/tasks")  # in the admin's menu
    page = admin.get("/admin/workflows")
    assert "document_approval" in page and "流程管理" in page  # the demo's, deployed
    changed = SIMPLE.replace(b'name="', b'name="\xe6\x96\xb0', 1)  # 新: a new version
    location = admin.post(
        "/admin/workflows",
        upload((changed, "simple_approval.bpmn")),
        content_type="multipart/form-data",
    )
    assert location == "/admin/workflows"
    page = admin.get("/admin/workflows")
    assert "已部署为版本" in page and "simple_approval.bpmn" in page
    newest = engine.queries.definition_versions("admin").items[0]
    assert newest.deployed_by == "admin" and newest.processes[0][0] == "simple_approval"
    # the same files again: the same version, nothing deployed twice
    admin.post(
        "/admin/workflows",
        upload((changed, "simple_approval.bpmn")),
        content_type="multipart/form-data",
    )
    assert "没有重复部署" in admin.get("/admin/workflows")
    assert engine.queries.definition_versions("admin").items[0].id == newest.id


def test_a_refused_file_names_each_problem_and_deploys_nothing(app: Flask) -> None:
    engine = get_engine(app)
    before = engine.queries.definition_versions("admin").items[0].id
    admin = Browser(app.test_client()).login("admin")
    admin.get("/admin/workflows")
    broken = SIMPLE.replace(b'sourceRef="', b'sourceRef="nowhere_', 1)
    page = admin.post(
        "/admin/workflows",
        upload((broken, "broken.bpmn")),
        status=422,
        content_type="multipart/form-data",
    )
    assert "没有部署" in page and "broken.bpmn" in page
    for data, name, words in (
        (b"MZ\x90\x00", "tool.exe", "不是流程文件"),
        (b"\xff\xfe\x00bpmn", "odd.bpmn", "无法作为文本读取"),
    ):
        admin.get("/admin/workflows")
        page = admin.post(
            "/admin/workflows",
            upload((data, name)),
            status=422,
            content_type="multipart/form-data",
        )
        assert words in page, name
    admin.get("/admin/workflows")
    assert "请选择" in admin.post(
        "/admin/workflows", {}, status=422, content_type="multipart/form-data"
    )
    assert engine.queries.definition_versions("admin").items[0].id == before


def test_only_the_admin_deploys(app: Flask) -> None:
    clerk = Browser(app.test_client()).login("zhangsan")
    clerk.get("/admin/workflows", status=403)
    clerk.post(
        "/admin/workflows",
        upload((SIMPLE, "simple_approval.bpmn")),
        status=403,
        content_type="multipart/form-data",
    )


def test_the_page_is_labelled_for_keyboard_and_screen_readers(app: Flask) -> None:
    admin = Browser(app.test_client()).login("admin")
    page = audit(admin.get("/admin/workflows"))
    assert page.controls and not page.unlabelled(), page.unlabelled()
    assert page.h1 == 1 and page.skip_link and page.main and not page.positive_tabindex


def test_the_versions_name_their_processes_in_the_readers_language(app: Flask) -> None:
    admin = Browser(app.test_client()).login("admin")
    assert "公文办理 <code>document_approval</code>" in admin.get("/admin/workflows")
    admin.client.post("/language", data={"lang": "en", "csrf_token": admin.token})
    page = admin.get("/admin/workflows")
    assert "Document approval <code>document_approval</code>" in page
    assert "公文办理" not in page


def test_the_workflows_the_server_deploys_at_start_are_said_to_be_its_own(app: Flask) -> None:
    engine = get_engine(app)
    changed = SIMPLE.replace(b'name="', b'name="\xe6\x97\xa7', 1)  # 旧: a version of its own
    engine.deploy_files({"simple_approval.bpmn": changed.decode()}, BUNDLED_DEPLOYER)
    admin = Browser(app.test_client()).login("admin")
    page = admin.get("/admin/workflows")
    assert "服务启动时（内置流程）" in page and BUNDLED_DEPLOYER not in page
    admin.post("/language", {"lang": "en", "next": "/admin/workflows"})
    assert "At server start (bundled workflows)" in admin.get("/admin/workflows")
