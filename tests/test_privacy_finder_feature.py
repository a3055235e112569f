"""Steps of features/privacy_finder.feature: the finder on texts as people write them."""

from __future__ import annotations

import re
from typing import Any

from pytest_bdd import given, parsers, scenarios, then, when

from engine.disclosure.privacy import (
    Finding,
    Redaction,
    find_personal_information,
    normalize,
    redact,
)

scenarios("privacy_finder.feature")

#: the feature's words for the kinds of personal information -> the finder's kinds
KIND_WORDS = {
    "resident ID": "resident_id",
    "mobile number": "mobile",
    "landline": "landline",
    "e-mail": "email",
    "passport": "passport",
    "Hong Kong/Macao permit": "hk_macau_permit",
    "Taiwan permit": "taiwan_permit",
    "plate": "license_plate",
    "name": "name",
    "address": "address",
    "QQ number": "qq",
    "WeChat ID": "wechat",
    "Hong Kong ID": "hk_id",
    "Macao ID": "macau_id",
    "Taiwan ID": "taiwan_id",
    "military ID": "military_id",
}


def found(story: dict[str, Any]) -> list[Finding]:
    return story["findings"]


@given(parsers.parse('the text "{text}"'), target_fixture="story")
def the_text(text: str) -> dict[str, Any]:
    return {"text": text}


@when("the finder reads it")
def the_finder_reads_it(story: dict[str, Any]) -> None:
    story["findings"] = find_personal_information(story["text"])
    for finding in story["findings"]:
        # Findings address the text as written, whatever its width.
        assert story["text"][finding.start : finding.end] == finding.text
        assert len(finding.masked) == len(finding.text)


@when("every finding is redacted")
def every_finding_is_redacted(story: dict[str, Any]) -> None:
    story["redacted"] = redact(
        story["text"], [Redaction(f.start, f.end, f.masked) for f in found(story)]
    )


@then(parsers.parse('it finds only the {kind} "{value}", masked as "{masked}"'))
def it_finds_only_masked(story: dict[str, Any], kind: str, value: str, masked: str) -> None:
    assert [(f.kind, f.text, f.masked) for f in found(story)] == [(KIND_WORDS[kind], value, masked)]


@then(parsers.parse('it finds only the {kind} "{value}"'))
def it_finds_only(story: dict[str, Any], kind: str, value: str) -> None:
    assert [(f.kind, f.text) for f in found(story)] == [(KIND_WORDS[kind], value)]


@then(parsers.parse('it finds the {first_kind} "{first}", then the {second_kind} "{second}"'))
def it_finds_two(
    story: dict[str, Any], first_kind: str, first: str, second_kind: str, second: str
) -> None:
    assert [(f.kind, f.text) for f in found(story)] == [
        (KIND_WORDS[first_kind], first),
        (KIND_WORDS[second_kind], second),
    ]


@then("it finds nothing")
def it_finds_nothing(story: dict[str, Any]) -> None:
    assert found(story) == []


@then(parsers.parse('it finds the mobile numbers "{first}" and "{second}"'))
def it_finds_two_mobiles(story: dict[str, Any], first: str, second: str) -> None:
    assert [(f.kind, f.text) for f in found(story)] == [("mobile", first), ("mobile", second)]


@then(parsers.parse('the redacted text is "{expected}"'))
def the_redacted_text_is(story: dict[str, Any], expected: str) -> None:
    assert story["redacted"] == expected


@then(
    parsers.parse(
        'no 6 digits in a row of "{value}" are left in it, in either width and without separators'
    )
)
def no_digits_left(story: dict[str, Any], value: str) -> None:
    plain = re.sub(r"[\s\-.·]", "", normalize(story["redacted"]))
    runs = {value[i : i + 6] for i in range(len(value) - 5)}
    assert not [run for run in runs if run in plain], plain
