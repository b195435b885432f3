"""Pages of a long list without counting every row.

Django's Paginator counts the whole list to number its pages: on a large
service that count costs more than the page itself (the audit log of a busy
organisation holds hundreds of thousands of rows to show fifty). A
BoundedPaginator reads one row more than the page to know whether a next page
exists, and counts at most `bound` rows: a list longer than that says "more than
1,000" and numbers no last page. Pages link to the next and previous one.

With `keys_first`, a page reads its rows' keys first, then those rows: where an index holds
the list's order and its filter, the keys come from the index alone, and the page reads 25
rows rather than every row it passes over on the way to them (a name search that skips a
hundred thousand people who do not match).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from django.db.models import QuerySet

BOUND = 1000


class BoundedPaginator:
    def __init__(
        self,
        object_list: QuerySet[Any],
        per_page: int,
        bound: int | None = None,
        *,
        keys_first: bool = False,
    ) -> None:
        self.object_list = object_list
        self.per_page = per_page
        self.bound = BOUND if bound is None else bound
        self.keys_first = keys_first
        self._count: int | None = None

    def _counted(self) -> int:
        if self._count is None:
            self._count = self.object_list.order_by()[: self.bound + 1].count()
        return self._count

    @property
    def count(self) -> int:
        """The number of rows, up to `bound` (see `more`)."""
        return min(self._counted(), self.bound)

    @property
    def more(self) -> bool:
        """Whether the list holds more than `bound` rows (then `count` is the bound)."""
        return self._counted() > self.bound

    @property
    def num_pages(self) -> int | None:
        """The number of pages where the count is exact, else None."""
        if self.more:
            return None
        return max(1, -(-self.count // self.per_page))

    def get_page(self, number: Any) -> BoundedPage:
        """The page numbered `number` (the first where it is not a positive whole number).

        A number past the end gives the last page where the count knows it, else an
        empty page that still links back. The (bounded) count is always taken, so a page
        runs the same queries however long its list is.
        """
        self._counted()
        try:
            page = max(int(number), 1)
        except (TypeError, ValueError):
            page = 1
        rows = self._rows(page)
        if not rows and page > 1 and (last := self.num_pages) is not None:
            page = min(page, last)
            rows = self._rows(page)
        return BoundedPage(rows[: self.per_page], page, len(rows) > self.per_page, self)

    def _rows(self, page: int) -> list[Any]:
        start = (page - 1) * self.per_page
        end = start + self.per_page + 1
        if not self.keys_first:
            return list(self.object_list[start:end])
        keys = list(self.object_list.values_list("pk", flat=True)[start:end])
        found = self.object_list.order_by().in_bulk(keys)
        return [found[key] for key in keys if key in found]


class BoundedPage(Sequence[Any]):
    def __init__(
        self, object_list: list[Any], number: int, has_next: bool, paginator: BoundedPaginator
    ) -> None:
        self.object_list = object_list
        self.number = number
        self._has_next = has_next
        self.paginator = paginator

    def __len__(self) -> int:
        return len(self.object_list)

    def __getitem__(self, index: Any) -> Any:
        return self.object_list[index]

    def __iter__(self) -> Iterator[Any]:
        return iter(self.object_list)

    def has_next(self) -> bool:
        return self._has_next

    def has_previous(self) -> bool:
        return self.number > 1

    def has_other_pages(self) -> bool:
        return self.has_next() or self.has_previous()

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return self.number - 1

    def start_index(self) -> int:
        return (self.number - 1) * self.paginator.per_page + 1 if self.object_list else 0

    def end_index(self) -> int:
        return self.start_index() + len(self.object_list) - 1 if self.object_list else 0
