"""The information processing fee (信息处理费, 国办函〔2020〕109号), in whole yuan.

An agency charges a request by one method, never both:

* by count (按件计收), per applicant per calendar month: the 1st to 10th request are free, the
  11th to 30th cost 100 yuan each, and from the 31st every further band of 10 costs 100 yuan
  more per request (31st-40th 200 yuan, 41st-50th 300 yuan, ...);
* by volume (按量计收), progressively per page: pages 1-30 are free, pages 31-100 cost 10 yuan a
  page, pages 101-200 20 yuan a page, and every page over 200 40 yuan.
"""

from __future__ import annotations

from ...errors import InvalidInputError

FEE_METHODS: dict[str, tuple[str, str]] = {
    "count": ("按件计收", "By count"),
    "volume": ("按量计收", "By volume"),
}

FREE_REQUESTS = 10
#: (last page of the band, or None for no end; yuan per page in the band), in page order.
PAGE_BANDS: tuple[tuple[int | None, int], ...] = ((30, 0), (100, 10), (200, 20), (None, 40))


class FeeError(InvalidInputError, ValueError):
    """A fee cannot be computed from what was given: a dotted ``code`` and its ``params``."""


def _check_quantity(name: str, value: int) -> None:
    """Raise FeeError unless value is a whole number of at least 1."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise FeeError("fee.quantity_too_small", quantity=name, value=value)


def count_fee(nth_in_month: int) -> int:
    """Return the fee of an applicant's nth request of the calendar month, charged by count."""
    _check_quantity("nth_in_month", nth_in_month)
    if nth_in_month <= FREE_REQUESTS:
        return 0
    if nth_in_month <= 30:
        return 100
    return 100 * (2 + (nth_in_month - 31) // 10)


def volume_fee(pages: int) -> int:
    """Return the fee of a reply of so many pages, charged by volume."""
    _check_quantity("pages", pages)
    total = 0
    band_start = 0
    for band_end, per_page in PAGE_BANDS:
        last = pages if band_end is None else min(pages, band_end)
        if last > band_start:
            total += (last - band_start) * per_page
        if band_end is None or pages <= band_end:
            break
        band_start = band_end
    return total


def fee(method: str, *, nth_in_month: int | None = None, pages: int | None = None) -> int:
    """Return the fee of a request by the method, given that method's quantity alone."""
    if method not in FEE_METHODS:
        raise FeeError("fee.unknown_method", method=method)
    if nth_in_month is not None and pages is not None:
        raise FeeError("fee.both_quantities", method=method)
    if method == "count":
        if pages is not None:
            raise FeeError("fee.wrong_quantity", method=method, expected="nth_in_month")
        if nth_in_month is None:
            raise FeeError("fee.missing_quantity", method=method, expected="nth_in_month")
        return count_fee(nth_in_month)
    if nth_in_month is not None:
        raise FeeError("fee.wrong_quantity", method=method, expected="pages")
    if pages is None:
        raise FeeError("fee.missing_quantity", method=method, expected="pages")
    return volume_fee(pages)
