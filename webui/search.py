"""What the search forms of the catalogue and the public list share: fields, errors, pages."""

from __future__ import annotations

from .paging import kept

#: the fields a search form sends (``before`` is the page, added by the next-page link)
FIELDS = ("q", "number", "year", "type")
#: and those of the staff catalogue's form only
STAFF_FIELDS = (*FIELDS, "attribute", "department")


def search_args(*, staff: bool = False) -> dict[str, str]:
    """Return the search fields of the request (not its page), to fill the form and the links."""
    names = STAFF_FIELDS if staff else FIELDS
    return kept(*names)
