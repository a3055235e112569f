"""More attacks, from outside and by signed-in users, on SQLite and PostgreSQL.

Each test here failed before the fix it names.
"""

from __future__ import annotations

import html
import json
import re
import threading
import time
from collections import Counter
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from engine import DeploymentError, Engine, InvalidInputError
from engine.forms import new_submission
from engine.users import SignInPolicy
from webui import get_engine

from .conftest import TEST_BPMN, WORKFLOWS
from .test_basic_catalogue import entry_form
from .test_request_pages import request_form
from .test_script_sandbox import probe_files
from .web import Browser

#: how many attempts are in flight together in the race tests
RACERS = 12


def _all_at_once(attempts: list[Callable[[], object]]) -> Counter[str]:
    """Run the attempts in threads released together; count how each ended (ok or its error)."""
    barrier = threading.Barrier(len(attempts))
    outcomes: list[str] = []
    lock = threading.Lock()

    def run(attempt: Callable[[], object]) -> None:
        barrier.wait(30)
        try:
            attempt()
            outcome = "ok"
        except Exception as exc:
            outcome = type(exc).__name__
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=run, args=(a,)) for a in attempts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not any(thread.is_alive() for thread in threads)
    return Counter(outcomes)


def test_wrong_passwords_sent_together_are_counted_up_to_the_limit_and_no_further(
    engine: Engine,
) -> None:
    # Each sign-in counted the failures committed before it, found one short of the limit
    # and added its own: on PostgreSQL as many guesses as were in flight got through.
    engine.users.add("victim", ["drafter"], password="right-password-1")
    limit = SignInPolicy().failures_per_user_and_address

    def guess(n: int) -> Callable[[], object]:
        return lambda: engine.users.authenticate("victim", f"guess-{n}", "192.0.2.9")

    outcomes = _all_at_once([guess(n) for n in range(RACERS)])
    assert outcomes == {"SignInFailedError": limit, "SignInThrottledError": RACERS - limit}
    with engine.store.read() as repo:
        counted = repo.connection.exec_driver_sql("SELECT count(*) FROM sign_in_failures").scalar()
    # Three keys each: the name from this address, the address, the name.
    assert counted == 3 * limit


def test_wrong_query_codes_sent_together_are_counted_up_to_the_limit_and_no_further(
    engine: Engine,
) -> None:
    # The status page's lookups raced as the sign-ins did: each wrong code in flight counted.
    limit = engine.requests.limits.wrong_codes_per_number

    def look_up(n: int) -> Callable[[], object]:
        return lambda: engine.requests.status("GK0123456789", f"WRONG{n:05d}", f"192.0.2.{n}")

    outcomes = _all_at_once([look_up(n) for n in range(RACERS)])
    assert outcomes == {"NotFoundError": limit, "RequestThrottledError": RACERS - limit}


def test_the_appeal_form_sent_twice_records_one_case(client: FlaskClient) -> None:
    # A double click on 登记 (or the browser sending the page again) made two cases.
    office = Browser(client).login("wangwu")
    page = office.get("/report/appeals")
    key = re.search(r'name="submission" value="([^"]+)"', page)
    assert key is not None
    form = {"kind": "reconsideration", "filed_on": "2026-05-06", "submission": key.group(1)}
    bad = form | {"filed_on": ""}
    corrected = office.post("/report/appeals", bad, status=422)
    assert f'value="{key.group(1)}"' in corrected
    assert office.post("/report/appeals", form) == "/report/appeals"
    assert office.post("/report/appeals", form) == "/report/appeals"
    listed = office.get("/report/appeals")
    assert listed.count('<tr id="appeal-') == 1
    assert re.search(r'name="submission" value="([^"]+)"', listed).group(1) != key.group(1)  # type: ignore[union-attr]
    office.post("/report/appeals", form | {"submission": "../../etc"}, status=400)


def _requests_filed(engine: Engine) -> int:
    with engine.store.read() as repo:
        found = repo.connection.exec_driver_sql("SELECT count(*) FROM disclosure_requests")
        return int(found.scalar_one())


def test_a_request_form_sent_many_times_at_once_files_one_request(engine: Engine) -> None:
    # The form's key was checked in the browser's session only, which the sendings of one
    # double click share before either answer comes back: each filed a request of its own.
    engine.deploy(sorted(WORKFLOWS.glob("*.bpmn")))
    key = new_submission()

    def send(n: int) -> Callable[[], object]:
        form = request_form(description="旧城改造安置方案")
        return lambda: engine.requests.submit(form, address=f"192.0.2.{n}", submission=key)

    outcomes = _all_at_once([send(n) for n in range(4)])
    assert outcomes == {"ok": 1, "AlreadyFiledError": 3}
    assert _requests_filed(engine) == 1
    with pytest.raises(InvalidInputError):
        engine.requests.submit(request_form(), registrar="nobody", submission="../../x")
    assert _requests_filed(engine) == 1


def test_a_request_form_sent_again_from_another_session_files_nothing_again(app: Flask) -> None:
    # The second sending of a double click carries the cookie from before the first's answer.
    engine = get_engine(app)
    before = _requests_filed(engine)
    first, second = Browser(app.test_client()), Browser(app.test_client())
    page = first.get("/public/request")
    second.get("/public/request")
    key = re.search(r'name="submission" value="([^"]+)"', page)
    assert key is not None
    sent = request_form(description="旧城改造安置方案") | {"submission": key.group(1)}
    assert first.post("/public/request", sent, status=303).endswith("/public/request/receipt")
    assert second.post("/public/request", sent, status=303).endswith("/public/request/receipt")
    assert _requests_filed(engine) == before + 1


def test_a_new_draft_sent_many_times_at_once_starts_one_draft(engine: Engine) -> None:
    # Each sending of one double click on 保存草稿 or 提交 started a draft of its own.
    engine.deploy(sorted(WORKFLOWS.glob("*.bpmn")))
    engine.users.add("drafter", ["drafter"])
    key = new_submission()

    def send() -> object:
        return engine.start_draft("document_approval", "drafter", {"title": "稿"}, None, key)

    outcomes = _all_at_once([send for _ in range(4)])
    assert outcomes == {"ok": 1, "ConflictError": 3}
    assert len(engine.queries.list_instances("document_approval")) == 1
    with pytest.raises(InvalidInputError):
        engine.start_draft("document_approval", "drafter", {"title": "稿"}, None, "x\x00" * 9)


def _two_windows(app: Flask, user: str, page: str) -> tuple[Browser, Browser, str]:
    """Open a form in two windows of one user, each signed in; return them and the form's key."""
    first = Browser(app.test_client()).login(user)
    second = Browser(app.test_client()).login(user)
    key = re.search(r'name="submission" value="([^"]+)"', first.get(page))
    second.get(page)
    assert key is not None
    return first, second, key.group(1)


def test_a_new_draft_submitted_twice_is_one_document_for_review(app: Flask) -> None:
    # Two windows of one drafter, or a double click that outruns the first answer.
    engine = get_engine(app)
    before = len(engine.queries.list_instances("document_approval"))
    first, second, key = _two_windows(app, "zhangsan", "/drafts/new")
    draft = {"title": "关于调整办公时间的通知", "doc_type": "general", "body": "正文。"}
    sent = draft | {"action": "submit", "submission": key}
    refused = first.post("/drafts/new", sent | {"title": ""}, status=422)
    assert f'value="{key}"' in refused
    first.post("/drafts/new", sent | {"attribute": "proactive"})
    assert second.post("/drafts/new", sent | {"attribute": "proactive"}) == "/mine"
    assert "这份表单已经提交过" in second.get("/mine")
    assert len(engine.queries.list_instances("document_approval")) == before + 1


def test_a_new_catalogue_entry_sent_twice_is_added_once(app: Flask) -> None:
    # A double click on 保存 that outruns the first answer added the entry twice.
    first, second, key = _two_windows(app, "wangwu", "/office/catalogue/new")
    form = entry_form(name="重复提交检查事项", department="综合处") | {"submission": key}
    refused = first.post("/office/catalogue/new", form | {"limit_day": ""}, status=422)
    assert f'value="{key}"' in refused
    assert first.post("/office/catalogue/new", form).startswith("/office/catalogue/")
    assert second.post("/office/catalogue/new", form) == "/office/catalogue"
    listing = second.get("/office/catalogue")
    assert "这份表单已经提交过" in listing and listing.count("重复提交检查事项") == 1


# -- BPMN and DMN files made to hurt the server ------------------------------------------------

#: DOCTYPEs a BPMN file may carry, what replaces the probe's script and what begins its name
DOCTYPES = {
    "an external entity": ('<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>', "&x;", ""),
    "a parameter entity": (
        '<!DOCTYPE d [<!ENTITY % x SYSTEM "file:///etc/passwd"> %x;]>',
        "x=1",
        "",
    ),
    "an external DTD": ('<!DOCTYPE d SYSTEM "http://127.0.0.1:9/x.dtd">', "x=1", ""),
    "an entity in an attribute": ('<!DOCTYPE d [<!ENTITY x "zz">]>', "x=1", "&x;"),
}


def _with_doctype(doctype: str, script: str, name: str = "") -> str:
    (text,) = probe_files(script).values()
    declaration, _, rest = text.partition("?>")
    return declaration + "?>" + doctype + rest.replace('name="', f'name="{name}', 1)


@pytest.mark.parametrize("name", sorted(DOCTYPES))
def test_a_bpmn_file_declaring_a_doctype_is_refused_saying_so(engine: Engine, name: str) -> None:
    # An entity in a text failed SpiffWorkflow's schema check with "Internal error:
    # xmlSchemaVDocWalk"; the others were deployed, their DOCTYPE kept in the stored file.
    with pytest.raises(DeploymentError) as refused:
        engine.deploy_files({"probe.bpmn": _with_doctype(*DOCTYPES[name])})
    (problem,) = refused.value.problems
    assert problem.file == "probe.bpmn" and "DOCTYPE" in problem.message
    assert "script_probe" not in engine.queries.process_ids()


def test_entities_expanding_a_billion_times_are_refused_at_once(engine: Engine) -> None:
    laughs = "".join(f'<!ENTITY l{n} "{f"&l{n - 1};" * 10 if n else "lol"}">' for n in range(10))
    started = time.process_time()
    doctype = f"<!DOCTYPE d [{laughs}]>"
    with pytest.raises(DeploymentError, match="amplification"):  # expanded in an attribute
        engine.deploy_files({"probe.bpmn": _with_doctype(doctype, "x=1", "&l9;")})
    with pytest.raises(DeploymentError, match="DOCTYPE"):  # kept as an entity in a text
        engine.deploy_files({"probe.bpmn": _with_doctype(doctype, "&l9;")})
    assert time.process_time() - started < 2


def test_an_element_with_thousands_of_attributes_is_refused_at_once(engine: Engine) -> None:
    # lxml finds each attribute's value by its name: 30,000 on one element cost 7 s to read.
    many = " ".join(f'x:a{n}="1"' for n in range(30_000))
    (text,) = probe_files().values()
    crowded = text.replace(
        "<bpmn:scriptTask ", f'<bpmn:scriptTask xmlns:x="http://example.org/x" {many} ', 1
    )
    started = time.process_time()
    with pytest.raises(DeploymentError) as refused:
        engine.deploy_files({"probe.bpmn": crowded})
    assert time.process_time() - started < 2
    (problem,) = refused.value.problems
    assert problem.element_id == "probe"
    assert "30,002 attributes: at most 200" in problem.message
    engine.deploy_files(probe_files())  # the probe itself is deployed


#: JSON nested deeper than Python's stack, which ``json.loads`` gives up on with RecursionError
DEEP_JSON = "[" * 100_000 + "]" * 100_000


def _with_property(text: str, element: str, name: str, value: str) -> str:
    """Return a BPMN file with an extension property added to the element opening so."""
    properties = (
        "<bpmn:extensionElements><spiffworkflow:properties>"
        f'<spiffworkflow:property name="{name}" value="{value}" />'
        "</spiffworkflow:properties></bpmn:extensionElements>"
    )
    opened = text.index(">", text.index(element)) + 1
    return text[:opened] + properties + text[opened:]


@pytest.mark.parametrize("target", ["1st", "class", "order total", ""])
def test_a_call_mapping_into_no_variable_is_refused_naming_the_call(
    engine: Engine, target: str
) -> None:
    elements = TEST_BPMN / "elements"
    mappings = json.dumps({"in": [{"all": True}], "out": [{"source": "x", "target": target}]})
    caller = _with_property(
        (elements / "call_activity.bpmn").read_text(encoding="utf-8"),
        '<bpmn:callActivity id="call_inner"',
        "variableMappings",
        html.escape(mappings),
    )
    called = (elements / "called_process.bpmn").read_text(encoding="utf-8")
    with pytest.raises(DeploymentError) as refused:
        engine.deploy_files({"call_activity.bpmn": caller, "called_process.bpmn": called})
    (problem,) = refused.value.problems
    assert problem.element_id == "call_inner"
    assert f"'out' maps into {target!r}, which is no variable name" in problem.message


def test_json_nested_too_deep_in_a_deployment_is_refused_naming_its_file(engine: Engine) -> None:
    elements = TEST_BPMN / "elements"
    manual = (elements / "manual_task.bpmn").read_text(encoding="utf-8")
    with_form = _with_property(
        manual, '<bpmn:manualTask id="check_paper"', "formJsonSchemaFilename", "deep.json"
    )
    with pytest.raises(DeploymentError) as refused:
        engine.deploy_files({"manual_task.bpmn": with_form, "deep.json": DEEP_JSON})
    assert [(p.file, "nested too deeply" in p.message) for p in refused.value.problems] == [
        ("deep.json", True)
    ]
    caller = (elements / "call_activity.bpmn").read_text(encoding="utf-8")
    with_mappings = _with_property(
        caller, '<bpmn:callActivity id="call_inner"', "variableMappings", DEEP_JSON
    )
    called = (elements / "called_process.bpmn").read_text(encoding="utf-8")
    with pytest.raises(DeploymentError) as refused:
        engine.deploy_files({"call_activity.bpmn": with_mappings, "called_process.bpmn": called})
    (problem,) = refused.value.problems
    assert problem.element_id == "call_inner" and "nested too deeply" in problem.message
