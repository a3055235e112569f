"""A list's filter boxes: applied when what they hold can be, else said to be ignored.

A box that cannot be applied (text longer than it takes, a choice that is none of its
options: an edited or old address) does not narrow the list: the list is shown as if
the box were empty, and the page says which box was ignored and why.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from flask import request
from flask_babel import gettext as _

#: at most this much of an ignored box is written back into it (a long address is cut)
_SHOWN = 256


@dataclass(frozen=True)
class FilterBox:
    """A box of a list's filter: what it holds, and whether the list can be narrowed by it."""

    #: as typed or chosen, without surrounding spaces (cut, to say back in the box)
    typed: str
    #: whether the list can be narrowed by it
    applies: bool
    #: why it cannot, in the reader's language
    why: str = ""
    #: the most characters a text box takes (None for a choice)
    limit: int | None = None

    @property
    def ignored(self) -> bool:
        """Tell whether something is in the box that the list cannot be narrowed by."""
        return bool(self.typed) and not self.applies

    @property
    def value(self) -> str:
        """Return what the list is narrowed by: what is in the box, or nothing when ignored."""
        return self.typed if self.applies else ""


def text_filter(name: str, limit: int) -> FilterBox:
    """Read the filter's text box ``name``, which takes at most ``limit`` characters."""
    # Cut to more than any limit: a text cut to the limit would be applied as if typed so.
    typed = request.args.get(name, "").strip()[: max(_SHOWN, limit + 1)]
    return FilterBox(typed, len(typed) <= limit, _("不能超过 %(max)s 字。", max=limit), limit)


def choice_filter(name: str, options: Collection[str]) -> FilterBox:
    """Read the filter's choice ``name``, one of ``options`` or nothing."""
    typed = request.args.get(name, "").strip()[:_SHOWN]
    return FilterBox(typed, typed in options, _("请从所列选项中选择。"))
