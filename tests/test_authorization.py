"""Who may read and do what: every route, every role and the anonymous public.

The matrix is written out by hand from the rule (the people who worked on or
may work on an instance, the head of its starter's department, the office,
auditors read-only and admins read it; anyone else gets a refusal that does
not tell whether it exists), so that it checks the engine's access rules
rather than repeating them.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask
from flask.testing import FlaskClient

from engine import Engine, NotFoundError, PermissionDeniedError
from engine.attachments import Upload
from webui import get_engine

from .web import Browser

EVERYONE = (
    "zhangsan",
    "drafter2",
    "lisi",
    "lisi2",
    "wangwu",
    "zhaoliu",
    "sunqi",
    "zhouba",
    "wujiu",
    "zhengshi",
    "qianyi",
    "admin",
)
ANONYMOUS = "anonymous"
#: the office, the auditor and the admin read every instance
READ_ALL = {"wangwu", "qianyi", "admin"}

#: who may read each instance whole, by the demo's and this test's cases
READERS = {
    # published: everyone on the way worked on it
    "published": {"zhangsan", "lisi", "zhaoliu", "sunqi", "zhouba"},
    # waiting for the publisher (zhouba may work on it now)
    "to_publish": {"zhangsan", "lisi", "zhaoliu", "sunqi", "zhouba"},
    # personal data waiting for the confidentiality reviewer (not yet the publisher)
    "to_review": {"zhangsan", "lisi", "zhaoliu", "sunqi"},
    # at the head of its drafter's department, 综合处 (lisi2 heads none: not his)
    "at_dept_head": {"zhangsan", "lisi"},
    # returned to its drafter (lisi heads his department)
    "returned": {"zhangsan", "lisi"},
    # issued, withheld (不予公开)
    "withheld": {"zhangsan", "lisi", "zhaoliu"},
    # another drafter's draft with an attachment, at the department heads
    "other_draft": {"drafter2", "lisi", "lisi2"},
    # another drafter's draft, not yet submitted (his department has no head here)
    "unsubmitted": {"drafter2"},
    # a draft of lisi's department, not yet submitted
    "colleague_draft": {"zhangsan", "lisi"},
}
#: the one case the public may read (published proactively)
PUBLIC = "published"

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@dataclass
class Cases:
    """Instance, document and task ids of every case."""

    instances: dict[str, int]
    documents: dict[str, int]
    attachment: int
    dept_task: str
    titles: dict[str, str]


def _complete(engine: Engine, instance_id: int, user: str, data: dict, **files: Upload) -> None:
    task = next(t for t in engine.queries.get_instance(instance_id).ready_tasks)
    engine.complete_task(task.task_id, user, data, files=files or None)


def build_cases(engine: Engine) -> Cases:
    engine.users.add("drafter2", ["drafter"], "起草人二", "demo")
    # The demo started five documents, newest last.
    seeded = sorted(
        engine.queries.list_instances("document_approval"), key=lambda instance: instance.id
    )
    names = ["published", "to_publish", "to_review", "at_dept_head", "returned"]
    instances = {name: instance.id for name, instance in zip(names, seeded, strict=True)}

    withheld = engine.start("document_approval", "zhangsan").id
    _complete(
        engine,
        withheld,
        "zhangsan",
        {
            "title": "关于内部人事安排的通知",
            "doc_type": "general",
            "body": "内部事项。",
            "attribute": "withheld",
            "attribute_reason": "属于内部管理事务",
            "withheld_basis": "art16_internal_affairs",
        },
    )
    review = {"decision": "approve", "attribute": "withheld"}
    _complete(engine, withheld, "lisi", review)
    _complete(engine, withheld, "wangwu", {**review, "number_prefix": "威政办发"})
    _complete(engine, withheld, "zhaoliu", review)
    instances["withheld"] = withheld

    other = engine.start("document_approval", "drafter2").id
    draft = {"title": "关于办公用房调整的请示", "doc_type": "general", "body": "正文。"}
    _complete(
        engine,
        other,
        "drafter2",
        {**draft, "attribute": "on_request", "attribute_reason": "内部事项"},
        attachment=Upload("方案.pdf", PDF),
    )
    instances["other_draft"] = other
    instances["unsubmitted"] = engine.start("document_approval", "drafter2").id
    instances["colleague_draft"] = engine.start("document_approval", "zhangsan").id

    case_of = {instance_id: name for name, instance_id in instances.items()}
    issued = [d for d in engine.catalogue.list_documents("qianyi") if d.instance_id in case_of]
    documents = {case_of[d.instance_id]: d.id for d in issued}
    titles = {case_of[d.instance_id]: d.title for d in issued}
    attachment = engine.queries.get_instance(other).data["attachment"]["id"]
    (dept_task,) = engine.queries.get_instance(instances["at_dept_head"]).ready_tasks
    return Cases(instances, documents, attachment, dept_task.task_id, titles)


def clients(app: Flask) -> dict[str, FlaskClient]:
    signed_in = {user: Browser(app.test_client()).login(user).client for user in EVERYONE}
    return {**signed_in, ANONYMOUS: app.test_client()}


def expect_read(user: str, case: str) -> int:
    """Return the status a user's read of a case's internal pages must have."""
    if user == ANONYMOUS:
        return 302  # to the sign-in page
    return 200 if user in READ_ALL or user in READERS[case] else 403


def test_every_route_answers_every_role_as_the_matrix_says(app: Flask) -> None:
    engine = get_engine(app)
    cases = build_cases(engine)
    users = clients(app)
    wrong: list[str] = []

    def check(user: str, method: str, path: str, expected: int, **kwargs) -> str:
        client = users[user]
        if method == "POST":
            token = Browser(client)
            token.get("/public/")
            kwargs.setdefault("data", {})["csrf_token"] = token.token
        response = client.open(path, method=method, **kwargs)
        if response.status_code != expected:
            wrong.append(f"{user} {method} {path}: {response.status_code}, expected {expected}")
        return response.get_data(as_text=True)

    for user in (*EVERYONE, ANONYMOUS):
        for case, instance_id in cases.instances.items():
            html = check(user, "GET", f"/instances/{instance_id}/sheet", expect_read(user, case))
            if expect_read(user, case) == 403:
                assert "无权查看，或不存在" in html
        for case, document_id in cases.documents.items():
            expected = expect_read(user, case)
            if case == PUBLIC and user != ANONYMOUS:
                expected = 200  # the published version, as the public reads it
            check(user, "GET", f"/documents/{document_id}", expected)
        check(user, "GET", f"/attachments/{cases.attachment}", expect_read(user, "other_draft"))
        missing = 404 if user in READ_ALL else 302 if user == ANONYMOUS else 403
        check(user, "GET", "/instances/999999/sheet", missing)
        check(user, "GET", "/documents/999999", missing)
        check(user, "GET", "/attachments/999999", missing)

        takes_it = user == "lisi"  # the head of the drafter's department
        signed = 302 if user == ANONYMOUS else 403
        check(user, "GET", f"/tasks/{cases.dept_task}", 200 if takes_it else signed)
        check(user, "POST", f"/tasks/{cases.dept_task}/claim", 302 if takes_it else signed)
        if takes_it:
            check(user, "POST", f"/tasks/{cases.dept_task}/release", 302)
        drafts = user in ("zhangsan", "drafter2")
        check(user, "GET", "/drafts/new", 200 if drafts else signed)
        check(user, "GET", "/mine", 302 if user == ANONYMOUS else 200)
        # a head sees his own department's figures (lisi2 belongs to none)
        overseers = {"lisi", "wangwu", "qianyi", "admin"}
        check(user, "GET", "/office/catalogue", 200 if user in overseers else signed)
        check(user, "GET", "/office/oversight", 200 if user in overseers else signed)
        filers = {"wangwu", "qianyi", "admin"}
        check(user, "GET", "/office/catalogue/unfiled", 200 if user in filers else signed)
        admin = 200 if user == "admin" else signed
        check(user, "GET", "/admin/tasks", admin)
        check(user, "GET", "/admin/calendar", admin)
        check(user, "GET", "/admin/workflows", admin)
        # no file chosen: the admin is told so, and nothing is deployed by anyone
        check(user, "POST", "/admin/workflows", 422 if user == "admin" else signed)
        # the users' pages (the posts here change nothing: refused forms, a no-op, nobody)
        check(user, "GET", "/admin/users", admin)
        check(user, "GET", "/admin/users?group=drafter&status=inactive", admin)
        check(user, "GET", "/admin/users/new", admin)
        check(user, "GET", "/admin/users/zhangsan", admin)
        refused_form = 422 if user == "admin" else signed
        check(user, "POST", "/admin/users/new", refused_form)
        check(user, "POST", "/admin/users/zhangsan", refused_form)
        check(user, "POST", "/admin/users/zhangsan/password", refused_form)
        check(user, "POST", "/admin/users/zhangsan/reactivate", 302 if user == "admin" else signed)
        check(user, "POST", "/admin/users/nobody/deactivate", 404 if user == "admin" else signed)
        # The auditor and the administrator get no tasks: 待办 leads them to their own start.
        check(user, "GET", "/", 302 if user in (ANONYMOUS, "qianyi", "admin") else 200)
        check(user, "GET", "/documents", 302 if user == ANONYMOUS else 200)

        check(user, "GET", "/public/", 200)
        # a receipt is only ever the one this browser's own filing left in its session;
        # the paper-request receipt is the registrar's
        check(user, "GET", "/public/request/receipt", 200)
        check(user, "GET", "/requests/new/receipt", 200 if user == "wujiu" else signed)
        check(user, "GET", f"/public/{cases.documents[PUBLIC]}", 200)
        for case in ("to_publish", "to_review", "withheld"):
            check(user, "GET", f"/public/{cases.documents[case]}", 404)
        check(user, "GET", "/healthz", 200)
    assert not wrong, "\n".join(wrong)


def test_the_catalogue_lists_what_each_reader_may_read(app: Flask) -> None:
    engine = get_engine(app)
    cases = build_cases(engine)
    for user in EVERYONE:
        listed = {d.id: d for d in engine.catalogue.list_documents(user)}
        for case, document_id in cases.documents.items():
            whole = user in READ_ALL or user in READERS[case]
            if whole:
                assert listed[document_id].full, (user, case)
            elif case == PUBLIC:
                assert not listed[document_id].full, (user, case)
            else:
                assert document_id not in listed, (user, case)


def test_a_reader_of_the_public_version_sees_no_personal_data(app: Flask) -> None:
    engine = get_engine(app)
    cases = build_cases(engine)
    outsider = Browser(app.test_client()).login("zhengshi")
    catalogue = outsider.get("/documents")
    assert cases.titles["published"] in catalogue
    for case in ("to_review", "withheld", "to_publish"):
        assert cases.titles[case] not in catalogue
    assert "/instances/" not in catalogue  # no approval sheet link for the public version
    page = outsider.get(f"/documents/{cases.documents['to_review']}", status=403)
    assert "王小明" not in page and "13912345678" not in page
    reviewer = Browser(app.test_client()).login("sunqi")
    assert "王小明" in reviewer.get(f"/documents/{cases.documents['to_review']}")


def test_attachments_download_only_for_readers(app: Flask) -> None:
    engine = get_engine(app)
    cases = build_cases(engine)
    reader = Browser(app.test_client()).login("lisi2")
    response = reader.client.get(f"/attachments/{cases.attachment}")
    assert response.status_code == 200 and response.data == PDF
    stranger = Browser(app.test_client()).login("zhaoliu")
    assert stranger.client.get(f"/attachments/{cases.attachment}").status_code == 403


#: the staff pages of requests, auditing and reports: who reads each (200); others get 403
STAFF_PAGES = {
    "/requests": {"wujiu", "zhengshi", "wangwu", "qianyi", "admin"},
    "/requests/new": {"wujiu"},
    "/audit/instances": {"wangwu", "qianyi", "admin"},
    "/audit/instances/1/verify": {"wangwu", "qianyi", "admin"},
    "/audit/instances/1/steps": {"wangwu", "qianyi", "admin"},
    "/audit/instances/1/history.jsonl": {"wangwu", "qianyi", "admin"},
    "/office/oversight.csv": {"lisi", "wangwu", "qianyi", "admin"},
    "/office/oversight.xlsx": {"lisi", "wangwu", "qianyi", "admin"},
    "/office/catalogue/new": {"wangwu", "admin"},
    "/report/annual?year=2026": {"wangwu", "qianyi", "admin"},
    "/report/annual.xlsx?year=2026": {"wangwu", "qianyi", "admin"},
    "/report/appeals?year=2026": {"wangwu", "qianyi", "admin"},
    "/admin/departments": {"admin"},
    "/admin/agency": {"admin"},
}


def test_the_new_staff_pages_answer_only_their_readers(app: Flask) -> None:
    from .web import Browser

    people = ("zhangsan", "lisi", "wangwu", "sunqi", "wujiu", "zhengshi", "qianyi", "admin")
    browsers = {name: Browser(app.test_client()).login(name) for name in people}
    anonymous = app.test_client()
    for path, readers in STAFF_PAGES.items():
        response = anonymous.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"], path
        for name, browser in browsers.items():
            status = browser.client.get(path).status_code
            assert status == (200 if name in readers else 403), (path, name, status)


def test_a_case_stays_with_the_department_it_was_started_in(app: Flask) -> None:
    """A drafter who moves takes no case with him: his new head reads only what he starts there."""
    engine = get_engine(app)
    engine.users.add_department("admin", "法制处")
    engine.users.add("head2", ["dept_head"], "法制处处长", "demo", department="法制处")
    old = engine.start_draft("document_approval", "zhangsan", {"title": "调动前的草稿"})
    engine.users.update_user(
        "admin", "zhangsan", {"display_name": "张三", "department": "法制处", "groups": ["drafter"]}
    )
    new = engine.start_draft("document_approval", "zhangsan", {"title": "调动后的草稿"})

    def reads(user: str, instance_id: int) -> bool:
        try:
            engine.queries.get_instance(instance_id, user)
        except (PermissionDeniedError, NotFoundError):
            return False
        return True

    assert (reads("lisi", old.id), reads("head2", old.id)) == (True, False)
    assert (reads("lisi", new.id), reads("head2", new.id)) == (False, True)
