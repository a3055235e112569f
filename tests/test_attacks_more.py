"""More attacks, from outside and by signed-in users, on SQLite and PostgreSQL.

Each test here failed before the fix it names.
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from collections.abc import Callable

from flask.testing import FlaskClient

from engine import Engine
from engine.users import SignInPolicy

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
