"""Evaluation: recall and precision of the personal-information finder on a labelled corpus.

Reads the hand-labelled passages of ``tests/privacy_corpus_2.py`` (or another module with a
``PASSAGES`` tuple of the same shape, ``--corpus``), runs the finder on each and compares its
findings with the labels: a finding is a true positive when its span and kind equal a label's,
otherwise a false positive; a label not found is a false negative. Prints recall and precision
per kind and per genre, with ``-v`` every miss and every false finding, and last

    privacy_corpus: passages=N recall=R precision=P
"""

from __future__ import annotations

import argparse
import importlib
from collections import Counter
from collections.abc import Iterable

from engine.disclosure.privacy import find_personal_information

Span = tuple[int, int, str]


def expected_spans(text: str, labels: Iterable[tuple[str, str]]) -> set[Span]:
    """Return the spans the labels name: every occurrence of each text, or its k-th (text@k)."""
    spans: set[Span] = set()
    for kind, label in labels:
        value, at_sign, nth = label.rpartition("@")
        if not (at_sign and nth.isdigit()):  # no occurrence's number (an e-mail's @)
            value, nth = label, ""
        starts, at = [], text.find(value)
        while at >= 0:
            starts.append(at)
            at = text.find(value, at + len(value))
        if nth:
            starts = [starts[int(nth) - 1]]
        spans.update((start, start + len(value), kind) for start in starts)
    return spans


def ratio(part: int, whole: int) -> str:
    """Return part/whole to three places, or '-' for nothing to divide."""
    return f"{part / whole:.3f}" if whole else "-"


def main() -> None:
    """Evaluate the finder on the corpus; print the summary line last."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", default="tests.privacy_corpus_2")
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args()
    passages = importlib.import_module(args.corpus).PASSAGES
    tp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    genre_tp: Counter[str] = Counter()
    genre_fn: Counter[str] = Counter()
    genre_fp: Counter[str] = Counter()
    for number, passage in enumerate(passages, 1):
        text = passage.text
        wanted = expected_spans(text, passage.labels)
        found = {(f.start, f.end, f.kind) for f in find_personal_information(text)}
        for start, end, kind in sorted(wanted | found):
            span = (start, end, kind)
            if span in wanted and span in found:
                tp[kind] += 1
                genre_tp[passage.genre] += 1
                continue
            missed = span in wanted
            (fn if missed else fp)[kind] += 1
            (genre_fn if missed else genre_fp)[passage.genre] += 1
            if args.verbose:
                word = "MISS " if missed else "FALSE"
                line = text[max(0, start - 12) : end + 8].replace("\n", "⏎")
                print(f"{word} #{number} {passage.genre} {kind} {text[start:end]!r}: …{line}…")
    print(f"{'kind':<16}{'labels':>7}{'found':>7}{'recall':>8}{'precision':>11}")
    for kind in sorted(tp.keys() | fn.keys() | fp.keys()):
        labels, finds = tp[kind] + fn[kind], tp[kind] + fp[kind]
        recall, precision = ratio(tp[kind], labels), ratio(tp[kind], finds)
        print(f"{kind:<16}{labels:>7}{finds:>7}{recall:>8}{precision:>11}")
    print(f"\n{'genre':<16}{'labels':>7}{'missed':>7}{'false':>7}")
    for genre in dict.fromkeys(p.genre for p in passages):
        labels = genre_tp[genre] + genre_fn[genre]
        print(f"{genre:<16}{labels:>7}{genre_fn[genre]:>7}{genre_fp[genre]:>7}")
    hits, labels = sum(tp.values()), sum(tp.values()) + sum(fn.values())
    finds = hits + sum(fp.values())
    print(
        f"privacy_corpus: passages={len(passages)} recall={ratio(hits, labels)} "
        f"precision={ratio(hits, finds)}"
    )


if __name__ == "__main__":
    main()
