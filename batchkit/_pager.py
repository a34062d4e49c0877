"""JobPager: a lazy, typed, resumable iterator over a paginated AWS listing.

Why not just hand out boto3's paginator: its items are untyped dicts, and its
``resume_token`` exists only at page boundaries or after ``MaxItems``.  A
:class:`JobPager` runs on botocore's own :class:`~botocore.paginate.PageIterator`
(so ``PageSize``, ``StartingToken`` and the token format are botocore's), converts each
item to a model as it is asked for, and can tell at any moment -- after any item, or
after an error -- the token from which exactly the remaining items follow.  The tokens
are botocore's (``TokenEncoder``), so they are interchangeable with boto3 paginators'.

>>> from batchkit.testing import FakeAWS
>>> fake = FakeAWS()
>>> for i in range(5):
...     _ = fake.add_job("q", job_name=f"job-{i}", status="FAILED", created_at=1_000_000 - i)
>>> batch = fake.batch_client()
>>> pager = batch.list_jobs("q", status="FAILED", page_size=2)
>>> [job.job_name for job in pager.take(3)]
['job-0', 'job-1', 'job-2']
>>> rest = batch.list_jobs("q", status="FAILED", page_size=2, starting_token=pager.resume_token)
>>> [job.job_name for job in rest]
['job-3', 'job-4']
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from botocore.exceptions import ClientError
from botocore.paginate import TokenDecoder, TokenEncoder
from botocore.parsers import ResponseParserError

from batchkit._errors import BatchKitError, ResponseValidationError, from_client_error
from batchkit._fastpath import TYPED_ITEMS

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["JobPager", "Page"]

log = logging.getLogger("batchkit")

T = TypeVar("T")

_TRUNCATE = "boto_truncate_amount"


@dataclass(frozen=True)
class Page(Generic[T]):
    """One response page: its (filtered, typed) items and the token that follows it."""

    items: tuple[T, ...]
    next_token: str | None
    """Pass as ``starting_token=`` to continue after this page; None when nothing follows."""


class JobPager(Iterator[T]):
    """A lazy ``Iterator[T]`` over every item of a listing, one page in memory at a time.

    No request is made until the first item (or page) is asked for.  ``resume_token``
    is valid at every point: a new listing started with ``starting_token=resume_token``
    yields exactly the items this pager has not yielded yet.
    """

    def __init__(
        self,
        *,
        operation: str,
        paginate: Callable[[dict[str, Any]], Iterable[Mapping[str, Any]]],
        token_key: str,
        result_key: str,
        convert: Callable[[Mapping[str, Any]], T],
        keep: Callable[[T], bool] | None = None,
        stop: Callable[[T], bool] | None = None,
        starting_token: str | None = None,
        page_size: int | None = None,
        max_items: int | None = None,
    ) -> None:
        self._operation = operation
        self._paginate = paginate
        self._token_key = token_key
        self._result_key = result_key
        self._convert = convert
        self._keep = keep
        self._stop = stop
        self._starting_token = starting_token
        self._origin_token = starting_token  # where the next (re)start begins
        self._page_size = page_size
        self._max_items = max_items
        self._yielded = 0
        self._requests = 0
        self._responses: Iterator[Mapping[str, Any]] | None = None
        self._items: list[Any] | None = None  # the current page: dicts, or models (fast path)
        self._pos = 0  # raw items of the current page consumed so far
        self._skip = 0  # raw items botocore dropped from the current page (starting truncation)
        self._page_input: dict[str, Any] = {token_key: None}
        self._next_token: str | None = None  # the service's token after the current page
        self._stopped = False
        self._typed = False  # the current page's items are models already (the fast path)
        # Items read ahead by peek(), each with the resume token from just before it.
        self._ahead: deque[tuple[str | None, T]] = deque()

    # ------------------------------------------------------------------ public API

    def __iter__(self) -> JobPager[T]:
        return self

    def __next__(self) -> T:
        if self._ahead:
            return self._ahead.popleft()[1]
        return self._read()

    def _read(self) -> T:
        while True:
            item = self._take()
            if item is not _PAGE_END:
                return item  # type: ignore[return-value]
            if not self._advance():
                raise StopIteration

    def peek(self, n: int) -> list[T]:
        """Up to ``n`` next items *without consuming them*: iteration still yields them.

        This is what a notebook's display of a pager uses: it fetches only the pages those
        rows need, and ``resume_token`` still points before the peeked items.
        """
        while len(self._ahead) < n:
            token = self._position_token()
            try:
                item = self._read()
            except StopIteration:
                break
            self._ahead.append((token, item))
        return [item for _, item in list(self._ahead)[:n]]

    def pages(self) -> Iterator[Page[T]]:
        """The remaining items page by page (one AWS response each, after filtering).

        If iteration stopped inside a page, the first page holds the rest of that page.
        """
        if self._ahead:
            peeked = [item for _, item in self._ahead]
            self._ahead.clear()
            yield Page(tuple(peeked), self._position_token())
        if self._items is not None and self._pos < len(self._items) and not self.done:
            yield self._rest_of_page()
        while self._advance():
            yield self._rest_of_page()

    def _rest_of_page(self) -> Page[T]:
        items: list[T] = []
        while (item := self._take()) is not _PAGE_END:
            items.append(item)  # type: ignore[arg-type]
        return Page(tuple(items), self.resume_token)

    def first(self) -> T | None:
        """The next item, or None if there is none (at most the pages needed for one item)."""
        return next(self, None)

    def take(self, n: int, *, progress: bool = False) -> list[T]:
        """The next ``n`` items (fewer if the listing ends first).

        ``progress=True`` shows a ``tqdm.auto`` bar (in a notebook, a widget) when tqdm is
        installed.
        """
        if not isinstance(n, int) or isinstance(n, bool) or n < 0:
            from batchkit._errors import InvalidParameterError

            raise InvalidParameterError(f"take: n must be an int >= 0, got {n!r}")
        out: list[T] = []
        start = self.resume_token
        bar = _progress_bar(progress, self._operation)
        try:
            while len(out) < n:
                item = next(self, _PAGE_END)
                if item is _PAGE_END:
                    break
                out.append(item)  # type: ignore[arg-type]
                if bar is not None:
                    bar.update(1)
        except BatchKitError as error:
            # The items read by this call never reach the caller: rewind to before them, so
            # resuming (this pager or a new one from error.resume_token) yields them again.
            self._rewind(start, len(out))
            error.resume_token = start
            raise
        finally:
            if bar is not None:
                bar.close()
        return out

    def to_list(self, *, progress: bool = False) -> list[T]:
        """Every remaining item (reads the whole listing: prefer iterating).

        On an error nothing read by this call is lost: ``error.resume_token`` (and this pager)
        start again from where the call started.
        """
        return self.take(2**63, progress=progress)

    def to_pandas(self, *, progress: bool = False) -> pd.DataFrame:
        """Every remaining item as a DataFrame of flat columns (needs ``batchkit[pandas]``).

        Times are timezone-aware UTC timestamps, enums strings, nested members ``a.b``.
        """
        from batchkit._display import to_pandas

        return to_pandas(self.to_list(progress=progress))  # type: ignore[arg-type]

    def _repr_html_(self) -> str:
        """Notebook display: the next rows, fetching only the pages they need."""
        from batchkit._display import html_table

        rows = self.peek(10)
        more = "" if self.done else "; the rest is not fetched yet"
        caption = f"{self._operation}: first {len(rows)} rows{more}"
        return html_table(rows, caption)  # type: ignore[arg-type]

    @property
    def done(self) -> bool:
        """True when the listing has nothing left (exhausted, past the range, or max_items)."""
        return not self._ahead and (self._stopped or self._at_max() or self._exhausted())

    @property
    def requests_made(self) -> int:
        """How many pages have been received so far."""
        return self._requests

    @property
    def resume_token(self) -> str | None:
        """Where the remaining items start; None when :attr:`done` or nothing was read yet.

        ``None`` before the first request means "from the starting token" (the one this
        pager was created with is returned).
        """
        if self._ahead:
            return self._ahead[0][0]
        return self._position_token()

    def _position_token(self) -> str | None:
        """The token after the last item read from the pages (peeked ones included)."""
        if self._stopped or self._exhausted():
            return None
        if self._items is None:
            return self._origin_token
        if self._pos >= len(self._items):
            return TokenEncoder().encode({self._token_key: self._next_token})
        token = dict(self._page_input)
        token[_TRUNCATE] = self._skip + self._pos
        return TokenEncoder().encode(token)

    def __repr__(self) -> str:
        state = "done" if self.done else f"{self._yielded} yielded"
        return f"<JobPager {self._operation}: {state}, {self._requests} request(s)>"

    # ------------------------------------------------------------------ internals

    def _at_max(self) -> bool:
        return self._max_items is not None and self._yielded >= self._max_items

    def _exhausted(self) -> bool:
        return (
            self._items is not None and self._pos >= len(self._items) and self._next_token is None
        )

    def _take(self) -> T | object:
        """The next kept item of the current page, or _PAGE_END."""
        items = self._items
        while not self._stopped and not self._at_max() and items is not None:
            if self._pos >= len(items):
                break
            try:
                raw = items[self._pos]
                item: T = raw if self._typed else self._convert(raw)
            except BatchKitError as error:
                error.resume_token = self.resume_token
                raise
            if self._stop is not None and self._stop(item):
                self._stopped = True
                break
            self._pos += 1
            if self._keep is None or self._keep(item):
                self._yielded += 1
                return item
        return _PAGE_END

    def _advance(self) -> bool:
        """Load the next page; False when there is none (or the pager is done)."""
        if self._stopped or self._at_max() or self._exhausted():
            return False
        if self._responses is None:
            self._start()
        assert self._responses is not None
        try:
            response = next(self._responses)
        except StopIteration:
            self._items, self._pos, self._next_token = [], 0, None
            return False
        except ClientError as error:
            token = self._forget_responses()
            raise from_client_error(error, self._operation, token) from error
        except BatchKitError as error:  # the fast path: unreadable or mismatched body
            error.resume_token = self._forget_responses()
            raise
        except (ResponseParserError, ValueError, TypeError) as error:  # botocore's parser
            token = self._forget_responses()
            failure = ResponseValidationError(f"{self._operation}: unreadable response: {error}")
            failure.resume_token = token
            raise failure from error
        self._requests += 1
        first = self._items is None
        if not first:
            self._page_input, self._skip = {self._token_key: self._next_token}, 0
        typed = response.get(TYPED_ITEMS)
        self._typed = typed is not None
        if typed is not None:
            # botocore truncates only the dicts it parsed: drop the starting skip ourselves.
            self._items = list(typed[self._skip :] if first else typed)
        else:
            self._items = list(response.get(self._result_key) or [])
        self._pos = 0
        self._next_token = response.get(self._token_key)
        log.debug(
            "%s: page %d, %d items, %s",
            self._operation,
            self._requests,
            len(self._items),
            "more to come" if self._next_token else "last page",
        )
        return True

    def _forget_responses(self) -> str | None:
        """After a failed request: iterating again restarts from the current position."""
        token = self.resume_token
        self._responses = None
        self._origin_token = token
        return token

    def _rewind(self, token: str | None, unread: int) -> None:
        """Forget the current page; the next request starts at ``token``."""
        self._responses = None
        self._items = None
        self._yielded -= unread + len(self._ahead)
        self._ahead.clear()
        self._origin_token = token
        self._stopped = False

    def _start(self) -> None:
        token = self._origin_token
        self._skip, self._page_input = 0, {self._token_key: None}
        config: dict[str, Any] = {}
        if self._page_size is not None:
            config["PageSize"] = self._page_size
        if token is not None:
            config["StartingToken"] = token
            decoded = TokenDecoder().decode(token)
            self._skip = int(decoded.pop(_TRUNCATE, 0))
            self._page_input = {self._token_key: decoded.get(self._token_key)}
        self._items = None
        self._responses = iter(self._paginate(config))


def _progress_bar(enabled: bool, description: str) -> Any:
    if not enabled:
        return None
    try:
        from tqdm.auto import tqdm
    except ImportError:  # a nicety: without tqdm, no bar
        return None
    return tqdm(desc=description, unit=" jobs")


_PAGE_END = object()
