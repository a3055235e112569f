"""Benchmark: sixteen people complete the same task over HTTP at the same moment, round after round.

Each round, sixteen department heads of one department, each signed in in
his own browser, open the same department review (处室审核) of a fresh
document, wait for each other, and press 提交 at once.  Exactly one must
win (a redirect to his inbox); the fifteen others must get 409 with the
page that says the task was dealt with; the instance's history must hold
exactly one completion of that task, by the winner.  The last line reads

    race_bench: rounds=R one_winner=W losers_409=C wrong=X

W = rounds with exactly one winner, C = losers answered 409 with the
expected message, X = every other outcome (a second winner, another status,
a page without the message, a history with no or two completions); target
W = R and X = 0.

By default it starts gongkai with 4 workers (``gongkai serve --production``,
else gunicorn) on a fresh PostgreSQL database ``gongkai_race``
(``--database-url sqlite:///FILE`` for SQLite); ``load_bench.py`` runs the
same rounds as a phase on its own server.  ``prepare`` and ``run_races`` also serve
``tests/test_http_races.py``.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from loadkit import (
    WORKFLOWS,
    WebServer,
    drop_postgres_database,
    free_port,
    fresh_postgres_database,
    percentile,
    serve_command,
    server_environment,
)
from webclient import Browser, CutError, forms_of

from engine import Database, Engine
from engine.store import schema

RACERS = 16
DEPARTMENT = "督查室"
PASSWORD = "race-password-1"
#: what the loser's page must say (the 409 page's title and the engine's message, in Chinese)
LOSER_TITLE = "已被处理"
LOSER_MESSAGE = "该任务不存在或已办理完毕。"
H1 = re.compile(r"<h1>(.*?)</h1>", re.S)
ALERT = re.compile(r'<p role="alert">(.*?)</p>', re.S)
WAIT = 60  # seconds a barrier may wait before the round is given up


@dataclass
class RaceSetup:
    """Who races, and the task of each round with its instance."""

    users: list[str]
    tasks: list[tuple[int, str]]


@dataclass
class RaceReport:
    """What the rounds gave: per round the answers, and everything that was wrong."""

    rounds: int = 0
    one_winner: int = 0
    losers_409: int = 0
    wrong: list[str] = field(default_factory=list)
    statuses: Counter[str] = field(default_factory=Counter)
    loser_pages: Counter[str] = field(default_factory=Counter)
    post_ms: list[float] = field(default_factory=list)
    seconds: float = 0.0

    def lines(self) -> list[str]:
        """Return the report's detail lines."""
        out = [
            f"races: {self.rounds} rounds x {RACERS} clients in {self.seconds:.1f} s; "
            f"answers {dict(self.statuses)}",
            f"races: completion POST p50={percentile(self.post_ms, 50):.0f} ms "
            f"p95={percentile(self.post_ms, 95):.0f} ms max={max(self.post_ms, default=0):.0f} ms",
        ]
        for page, n in self.loser_pages.most_common(5):
            out.append(f"races: loser page x{n}: {page}")
        out += [f"races: WRONG {w}" for w in self.wrong[:20]]
        if len(self.wrong) > 20:
            out.append(f"races: ... and {len(self.wrong) - 20} more wrong outcomes")
        return out

    def last_line(self) -> str:
        """Return the benchmark's last line."""
        return (
            f"race_bench: rounds={self.rounds} one_winner={self.one_winner} "
            f"losers_409={self.losers_409} wrong={len(self.wrong)}"
        )


def add_racers(
    engine: Engine, racers: int = RACERS, prefix: str = "race", password: str | None = PASSWORD
) -> list[str]:
    """Add the racers (department heads) and their drafter, in a department of their own."""
    engine.users.add(f"{prefix}_drafter", ["drafter"], "竞赛起草人", password, DEPARTMENT)
    users = [f"{prefix}_head{i:02d}" for i in range(racers)]
    for n, user in enumerate(users):
        engine.users.add(user, ["dept_head"], f"处长{n:02d}", password, DEPARTMENT)
    return users


def prepare(
    engine: Engine,
    rounds: int,
    racers: int = RACERS,
    prefix: str = "race",
    users: list[str] | None = None,
) -> RaceSetup:
    """Return the racers (added unless given) and one document at its department review a round."""
    users = users if users is not None else add_racers(engine, racers, prefix)
    drafter = f"{prefix}_drafter"
    tasks = []
    for n in range(rounds):
        started = engine.start("document_approval", drafter)
        draft = {
            "title": f"关于并发办理测试的通知（第{n + 1}轮）",
            "doc_type": "general",
            "body": "各处室：\n现就有关事项通知如下。",
            "attribute": "proactive",
        }
        drafted = engine.complete_task(started.ready_tasks[0].task_id, drafter, draft)
        (review,) = drafted.ready_tasks
        tasks.append((started.id, review.task_id))
    return RaceSetup(users, tasks)


def _text(pattern: re.Pattern[str], html: str) -> str:
    found = pattern.search(html)
    return re.sub(r"\s+", " ", found.group(1)).strip() if found else ""


def run_races(
    host: str, port: int, setup: RaceSetup, engine: Engine, log: list[str] | None = None
) -> RaceReport:
    """Run one round per task of ``setup`` with every racer at once; check answers and histories."""
    browsers = [Browser(host, port) for _ in setup.users]
    for browser, user in zip(browsers, setup.users, strict=True):
        answers = browser.sign_in(user, PASSWORD)
        if answers[-1].status != 302:
            raise SystemExit(f"{user} could not sign in: {answers[-1].status}")
    rounds = len(setup.tasks)
    barrier = threading.Barrier(len(browsers))
    # answers[round][racer] = (status, location, page title, page message, ms)
    answers: list[list[tuple[int, str, str, str, float]]] = [
        [(0, "", "", "", 0.0)] * len(browsers) for _ in range(rounds)
    ]

    def race(index: int) -> None:
        browser = browsers[index]
        for n, (_, task_id) in enumerate(setup.tasks):
            path = f"/tasks/{task_id}"
            form = None
            try:
                page = browser.get(path)
                forms = [f for f in forms_of(page.text) if "_version" in f.names()]
                if page.status == 200 and forms:
                    form = forms[0].filled(
                        {"decision": "approve", "comment": "同意。"}, ("_action", "submit")
                    )
                else:
                    answers[n][index] = (page.status, "", "page", _text(H1, page.text), 0.0)
            except CutError as exc:
                answers[n][index] = (0, "", "cut", str(exc), 0.0)
            try:
                barrier.wait(WAIT)  # everyone has the page: press 提交 together
            except threading.BrokenBarrierError:
                return
            if form is None:
                continue
            try:
                sent = browser.submit(form, path)
            except CutError as exc:
                answers[n][index] = (0, "", "cut", str(exc), 0.0)
                continue
            answers[n][index] = (
                sent.status,
                sent.location,
                _text(H1, sent.text),
                _text(ALERT, sent.text),
                sent.ms,
            )

    started = time.perf_counter()
    threads = [threading.Thread(target=race, args=(i,)) for i in range(len(browsers))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    report = RaceReport(rounds=rounds, seconds=time.perf_counter() - started)
    for n, ((instance_id, task_id), row) in enumerate(zip(setup.tasks, answers, strict=True)):
        winners = [setup.users[i] for i, a in enumerate(row) if a[0] == 302]
        for user, (status, location, title, message, ms) in zip(setup.users, row, strict=True):
            report.statuses[str(status)] += 1
            if ms:
                report.post_ms.append(ms)
            if status == 302:
                if location != "/":
                    report.wrong.append(f"round {n + 1}: {user} won but went to {location!r}")
            elif status == 409 and title == LOSER_TITLE and message == LOSER_MESSAGE:
                report.losers_409 += 1
                report.loser_pages[f"{status} {title}: {message}"] += 1
            else:
                report.loser_pages[f"{status} {title}: {message}"] += 1
                report.wrong.append(f"round {n + 1}: {user} got {status} {title!r} {message!r}")
        if len(winners) == 1:
            report.one_winner += 1
        else:
            report.wrong.append(f"round {n + 1}: {len(winners)} winners {winners}")
        completions = [
            e.actor
            for e in engine.queries.history(instance_id)
            if e.type == "task_completed" and e.data.get("task_id") == task_id
        ]
        if completions != winners[:1] or len(winners) != 1:
            report.wrong.append(
                f"round {n + 1}: history holds completions by {completions}, winners {winners}"
            )
    if log is not None:
        log.extend(report.lines())
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument(
        "--database-url",
        default="postgresql://postgres@127.0.0.1:5432/gongkai_race",
        help="a PostgreSQL database (dropped and created anew) or a sqlite:/// file",
    )
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    url = args.database_url
    postgres = not url.startswith("sqlite")
    if postgres:
        fresh_postgres_database(url)
    else:
        for leftover in Path(url.split("///", 1)[1]).parent.glob(Path(url).name + "*"):
            leftover.unlink()  # the file, its WAL and its writer lock: start empty
    with tempfile.TemporaryDirectory(prefix="race_bench_") as folder:
        db = Database.connect(url)
        schema.upgrade(db)
        engine = Engine(db)
        engine.deploy(sorted(WORKFLOWS.glob("*.bpmn")), "race_bench")
        setup_started = time.perf_counter()
        setup = prepare(engine, args.rounds)
        print(
            f"setup: {args.rounds} documents at the department review in "
            f"{time.perf_counter() - setup_started:.1f} s"
        )
        port = free_port()
        command, what = serve_command(port, args.workers)
        server = WebServer(
            command, server_environment(url, Path(folder)), port, Path(folder) / "web.log"
        )
        print(f"server: {what}, {args.workers} workers, up in {server.start(args.workers):.1f} s")
        try:
            report = run_races("127.0.0.1", port, setup, engine)
        finally:
            server.stop()
            db.dispose()
            if postgres and not args.keep:
                drop_postgres_database(url)
    for line in report.lines():
        print(line)
    print(report.last_line())
    sys.exit(0 if report.one_winner == report.rounds and not report.wrong else 1)


if __name__ == "__main__":
    main()
