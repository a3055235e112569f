"""A refused BPMN file's problems are said in the reader's language, naming the element."""

from __future__ import annotations

import io
import re
from pathlib import Path

from flask import Flask

from engine import DeploymentError
from engine.definitions import compile_definition
from webui.messages import MESSAGES, problem_element, problem_words

from .conftest import WORKFLOWS
from .test_english_interface import english_browser
from .web import Browser

ROOT = Path(__file__).resolve().parent.parent
SIMPLE = (WORKFLOWS / "simple_approval.bpmn").read_text(encoding="utf-8")
#: three things wrong: a default flow that leaves nowhere, a form no one knows, a complex gateway
BROKEN = (
    SIMPLE.replace(
        '<bpmn:userTask id="review" name="审核">',
        '<bpmn:userTask id="review" name="审核" default="nowhere">',
    )
    .replace('value="simple_draft"', 'value="no_such_form"')
    .replace(
        "</bpmn:startEvent>", '</bpmn:startEvent>\n<bpmn:complexGateway id="mixer" name="汇合"/>', 1
    )
)
CJK = re.compile(r"[\u4e00-\u9fff]")


def refused_page(browser: Browser) -> str:
    browser.get("/admin/workflows")
    return browser.post(
        "/admin/workflows",
        {"files": [(io.BytesIO(BROKEN.encode()), "broken.bpmn")]},
        status=422,
        content_type="multipart/form-data",
    )


def test_a_refused_file_is_said_in_chinese_naming_each_element(app: Flask) -> None:
    page = refused_page(Browser(app.test_client()).login("admin"))
    items = re.findall(r"<li>(.*?)</li>", page.split('id="deploy-error"')[1].split("</ul>")[0])
    said = " ".join(re.sub(r"<[^>]+>", "", item) for item in items)
    assert "用户任务“审核” review：它的默认流向“nowhere”不是从它出发的顺序流。" in said
    assert "用户任务“起草” draft：没有名为“no_such_form”的表单" in said
    assert "复杂网关“汇合” mixer：不支持复杂网关" in said
    # the checker's English stays out of the Chinese page
    assert "is no sequence flow" not in page and "unknown form schema" not in page


def test_a_refused_file_is_said_in_english_to_an_english_reader(app: Flask) -> None:
    page = refused_page(english_browser(app, "admin"))
    # the element by its English name, where the file gives one (name:en)
    assert (
        "user task “Review” <code>review</code>: Its default flow “nowhere” is no sequence" in page
    )
    assert "complex gateway “汇合” <code>mixer</code>: A complex gateway is not supported" in page
    assert "不支持复杂网关" not in page


def test_every_refusal_of_the_test_files_has_chinese_words(app: Flask) -> None:
    refused = 0
    for path in sorted((ROOT / "tests" / "bpmn").rglob("*")):
        if path.suffix not in (".bpmn", ".bpmn2", ".xml", ".dmn"):
            continue
        try:
            compile_definition({path.name: path.read_text(encoding="utf-8", errors="replace")})
        except DeploymentError as exc:
            refused += 1
            for problem in exc.problems:
                assert problem.code in MESSAGES and problem.code != "definition.detail", path
                with app.test_request_context("/"):
                    words = problem_words(problem)
                    assert CJK.search(words) and words != problem.message, (path, words)
                    if problem.element_kind:
                        assert problem_element(problem), path
    assert refused >= 10  # the corpus still holds refused files


def test_every_code_a_refusal_can_carry_has_words() -> None:
    source = "".join(p.read_text(encoding="utf-8") for p in (ROOT / "engine").rglob("*.py"))
    codes = set(re.findall(r'"(definition\.[a-z_]+)"', source))
    # the codes built from a word: which end of a flow, which way flows go, what started it
    codes |= {f"definition.flow_{end}_unknown" for end in ("source", "target")}
    codes |= {f"definition.too_many_flows_{way}" for way in ("leave", "enter")}
    codes |= {f"definition.start_on_{caught}" for caught in ("error", "escalation")}
    codes |= {f"definition.timer_{why}" for why in ("kind_unknown", "kind_not_timer", "interrupts")}
    assert len(codes) > 50
    assert not sorted(codes - MESSAGES.keys())
