"""The sans-I/O state of a listing: where it is, what it yields next, where it resumes.

Why a layer of its own: the sync and the async pager (``batchkit._async.pager``, generated
into ``batchkit._sync.pager``), the merge over queues and the log reader all share every rule
of *where a listing is* -- the page in hand, the item within it, client-side checks
(keep/dedupe/early stop), token cycles, items peeked ahead, ``max_items``, the one-consumer
guard -- and differ only in how a page is fetched.  :class:`PagerCore` says which page to
fetch next (:meth:`PagerCore._next_request`), takes it (:meth:`PagerCore._accept`) and hands
out its items; the face does the I/O in between.

It can tell at any moment -- after any item, or after any error -- the token from which
exactly the remaining items follow (:mod:`batchkit._core.tokens`).  A token taken inside a
page counts the items to skip from that page's start; resuming with a smaller
``page_size`` skips on into the next page, so it is still exact.

>>> core = PagerCore([None], label="ListJobs", token_key="nextToken")
>>> position = core._next_request()
>>> core._accept(position, RawPage(("a", "b"), next_token="t2"))
>>> core._take_from_page(), core.resume_token is not None
('a', True)
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, TypeVar

from batchkit._core.bounded import RecentSet
from batchkit._core.errors import BatchKitError, TokenCycleError
from batchkit._core.tokens import Position, decode_token, encode_token

__all__ = [
    "END",
    "FOLLOWED_WINDOW",
    "SKIPPED_KEPT",
    "SMALL_FIRST_PAGE",
    "Consumed",
    "Guard",
    "Page",
    "PagerCore",
    "RawPage",
    "SkippedItem",
    "StopRule",
    "busy_error",
]

log = logging.getLogger("batchkit")

T = TypeVar("T")
S = TypeVar("S")


@dataclass(frozen=True)
class Page(Generic[T]):
    """One response page: its (filtered, typed) items and the token that follows it."""

    items: tuple[T, ...]
    next_token: str | None
    """Pass as ``starting_token=`` to continue after this page; None when nothing follows."""


@dataclass(frozen=True)
class SkippedItem:
    """An item of a response that could not be typed, skipped under ``on_invalid="skip"``."""

    index: int
    """Its position in its response's list."""
    item_id: str | None
    """Its id as sent (``jobId``, ``JobId``, a queue's name...), when it has one."""
    reason: str
    """What did not fit the shape (member path: message)."""


#: How many skipped items a listing keeps in ``skipped`` (the count goes on).
SKIPPED_KEPT = 1000


@dataclass(frozen=True)
class RawPage(Generic[T]):
    """One response: every item it holds (typed, unfiltered) and the service's next token.

    ``anchor`` is for a page asked for *without* a token that asking again would not
    return (CloudWatch Logs' last ``tail`` events: the window moves as lines arrive).
    ``anchor(i)`` gives a token and a number of items to skip from the page it starts that
    address the page's item ``i`` stably, so a resume token inside such a page is exact.
    """

    items: tuple[T, ...]
    next_token: str | None
    anchor: Callable[[int], tuple[str, int]] | None = field(default=None, compare=False)
    skipped: tuple[SkippedItem, ...] = ()
    """Items left out under ``on_invalid="skip"``."""


class StopRule(Protocol):
    """Told each page of a sub-listing; True when no later page can hold a match."""

    def after_page(self, items: Sequence[Any]) -> bool: ...


class Consumed(Generic[T]):
    """The consumer's side of every listing, one queue or a merge, sync or async: how much
    was yielded, ``max_items``, items peeked ahead, ``close``, the one-consumer guard, and
    how many more items the running call needs.

    The need: ``first()`` 1, ``take(n)`` n, a notebook's display 10, ``max_items`` what is
    left; None while iterating.  A listing's first page may then be a small one
    (:meth:`PagerCore._fetch_size`), and a merge over queues passes its need on to each
    queue's first page.  ``peek`` sets none: a merge peeks every queue's head and reads on.
    """

    #: Who else may be using the listing, for the one-consumer error ("thread", "task").
    _consumer = "thread"
    _want: int | None = None

    def _start(self, label: str, max_items: int | None) -> None:
        self._label = label
        self._max_items = max_items
        self._yielded = 0
        self._closed = False
        self._busy = threading.Lock()
        # Items read ahead by peek(), each with the resume token from just before it.
        self._ahead: deque[tuple[str | None, T]] = deque()

    def close(self) -> None:
        """End the listing: iteration stops; :attr:`resume_token` still says where it was."""
        self._closed = True

    def _at_max(self) -> bool:
        return self._max_items is not None and self._yielded >= self._max_items

    def _guard(self) -> Guard:
        return Guard(self._busy, self._label, self._consumer)

    def _busy_error(self) -> BatchKitError:
        return busy_error(self._label, self._consumer)

    @contextmanager
    def _wanting(self, n: int | None) -> Iterator[None]:
        self._want = n
        try:
            yield
        finally:
            self._want = None

    def _needed(self) -> int | None:
        want = self._want
        if self._max_items is not None:
            left = self._max_items - self._yielded
            want = left if want is None else min(want, left)
        return want

    def _next_ready(self) -> Any:
        """The next item that needs no request -- a peeked one -- else END."""
        if self._ahead:
            return self._ahead.popleft()[1]
        return END


class PagerCore(Consumed[T], Generic[T, S]):
    """The sans-I/O state of a listing: position, resume tokens, keep/dedupe/stop, peeked items.

    Why a class of its own: the sync :class:`~batchkit.Pager` and
    :class:`~batchkit.aio.AsyncPager` share every rule of *where a listing is* and differ
    only in how a page is fetched.
    :meth:`_next_request` says which page to fetch (or None at the end), :meth:`_accept`
    takes it, :meth:`_take_from_page` hands out the next kept item; a subclass does the I/O
    in between.

    ``end_on_repeated_token=True`` is for services that end a listing by sending back the
    token they were given (CloudWatch Logs ``GetLogEvents``) rather than no token: such a
    page is the last one, and following its token again would only ask for it again.  The
    end of such a listing is open -- new items can arrive after it -- so there
    :attr:`resume_token` is not None: it points just past the last item, and a listing
    started from it later yields only what arrived since.
    """

    def __init__(
        self,
        sources: Sequence[S],
        *,
        label: str,
        token_key: str,
        keep: Callable[[T], bool] | None = None,
        stop: Callable[[], StopRule] | None = None,
        starting_token: str | None = None,
        page_size: int | None = None,
        max_items: int | None = None,
        dedupe: Callable[[T], object] | None = None,
        model: type[Any] | None = None,
        end_on_repeated_token: bool = False,
    ) -> None:
        self._start(label, max_items)
        self._sources = tuple(sources)
        self._token_key = token_key
        self._keep = keep
        self._new_stop = stop
        self._stop_rule = stop() if stop is not None else None
        self._page_size = page_size
        self._dedupe = dedupe
        # No client-side rule decides which items of a page are yielded: iteration may
        # hand out the page's items by index (``Pager.__next__``).
        self._plain = keep is None and dedupe is None and max_items is None
        self._seen_keys: set[object] = set()
        self._model = model
        self._origin = decode_token(starting_token, token_key, len(self._sources))
        self._page: RawPage[T] | None = None
        self._page_position = self._origin
        self._pos = 0
        self._carry = 0
        self._last_page = False  # the stop rule says no later page of this segment matters
        self._end_on_repeat = end_on_repeated_token
        self._tail = False  # the current page's next token is its own: the end, for now
        # Service tokens followed, for cycles: the latest FOLLOWED_WINDOW (a cycle repeats
        # within a few pages; a listing, or a log follower, may run for millions).
        self._followed: RecentSet[tuple[int, str]] = RecentSet(FOLLOWED_WINDOW)
        self._requests = 0
        self._skipped: list[SkippedItem] = []
        self._skipped_count = 0

    # ------------------------------------------------------------------ public API

    @property
    def done(self) -> bool:
        """True when nothing is left to yield: the listing is exhausted, closed, or
        ``max_items`` were yielded (then :attr:`resume_token` still points at the rest)."""
        if self._ahead:
            return False
        return self._closed or self._at_max() or (self._page_exhausted() and self._at_end())

    @property
    def requests_made(self) -> int:
        """How many pages have been received so far (requests of the sub-listings, for a
        listing whose pages merge several)."""
        merged = [s.requests_made for s in self._sources if hasattr(s, "requests_made")]
        return sum(merged) if merged else self._requests

    @property
    def skipped(self) -> tuple[SkippedItem, ...]:
        """Items that could not be typed and were skipped (``on_invalid="skip"``), in order
        (the first 1,000; :attr:`skipped_count` counts them all)."""
        merged = [s.skipped for s in self._sources if hasattr(s, "skipped")]
        return tuple(self._skipped) + tuple(item for part in merged for item in part)

    @property
    def skipped_count(self) -> int:
        """How many items were skipped (``on_invalid="skip"``)."""
        merged: list[int] = [s.skipped_count for s in self._sources if hasattr(s, "skipped_count")]
        return self._skipped_count + sum(merged)

    @property
    def resume_token(self) -> str | None:
        """Where the remaining items start; None when the listing is exhausted, or when
        nothing was read yet and the pager started at the beginning.  (A listing with an
        open end, ``end_on_repeated_token``, has a token at its end too: for what comes later.)"""
        return self._resume_token()

    def __repr__(self) -> str:
        state = "done" if self.done else f"{self._yielded} yielded"
        return f"<{type(self).__name__} {self._label}: {state}, {self.requests_made} request(s)>"

    # ------------------------------------------------------------------ internals

    def _fetch_size(self, position: Position) -> int | None:
        """The page size to ask for.

        The caller's ``page_size`` when given.  Otherwise the service's default -- up to
        1,000 jobs a page for ListJobs without a filter, the fewest round trips -- except for
        a listing's *first* page when the running call needs only a few items: ``first()``
        on a queue of 100,000 jobs then asks for 1 job, not 1,000, and ``take(5)`` or
        ``max_items=5`` for 5 (plus the items a resume token skips).
        """
        if self._page_size is not None or self._requests:
            return self._page_size
        want = self._needed()
        if want is None:
            return None
        size = max(want - len(self._ahead), 1) + position.skip
        return size if size <= SMALL_FIRST_PAGE else None

    def _resume_token(self) -> str | None:
        if self._ahead:
            return self._ahead[0][0]
        return self._frontier_token()

    def _frontier_token(self) -> str | None:
        """The token after the last item read from the pages (peeked ones included)."""
        if self._page is None:
            return encode_token(self._token_key, self._origin)
        if not self._page_exhausted():
            position = self._page_position
            assert self._page is not None
            if position.token is None and self._page.anchor is not None:
                token, skip = self._page.anchor(self._pos)  # a page that cannot be re-asked
                return encode_token(self._token_key, Position(position.segment, token, skip))
            return encode_token(
                self._token_key, Position(position.segment, position.token, self._pos)
            )
        following = self._following()
        if following is None and self._tail:
            # An open end: the tail page again, past every item it held.
            position = self._page_position
            tail = Position(position.segment, position.token, self._pos + self._carry)
            return encode_token(self._token_key, tail)
        if following is None:
            return None
        if following.token is not None and (following.segment, following.token) in self._followed:
            # The page's next token is one this listing followed (a cycle, not yet refused):
            # resume by asking for this page again past its items, as _refuse_cycle does --
            # a transient glitch then heals, a persistent one is refused by the next pager.
            position = self._page_position
            assert self._page is not None
            skip = len(self._page.items) + self._carry
            following = Position(position.segment, position.token, skip)
        return encode_token(self._token_key, following)

    def _following(self) -> Position | None:
        """Where the page after the current (exhausted) one starts; None at the end."""
        assert self._page is not None
        segment = self._page_position.segment
        if self._page.next_token is not None and not self._last_page and not self._tail:
            return Position(segment, self._page.next_token, self._carry)
        if segment + 1 < len(self._sources):
            return Position(segment + 1)
        return None

    def _page_exhausted(self) -> bool:
        return self._page is not None and self._pos >= len(self._page.items)

    def _at_end(self) -> bool:
        return self._page is not None and self._following() is None

    def _take_from_page(self) -> Any:
        """The next kept item of the current page, or END."""
        page = self._page
        while page is not None and self._pos < len(page.items):
            if self._closed or self._at_max():
                break
            item = page.items[self._pos]
            self._pos += 1
            if self._keep is not None and not self._keep(item):
                continue
            if self._dedupe is not None:
                key = self._dedupe(item)
                if key in self._seen_keys:
                    continue
                self._seen_keys.add(key)
            self._yielded += 1
            return item
        return END

    def _next_ready(self) -> Any:
        """The next item that needs no request -- a peeked one, or the current page's next
        kept one -- else END.  Iteration's hot path: without client-side rules (keep,
        dedupe, max_items) an index bump instead of :meth:`_take_from_page`'s checks."""
        if self._ahead:
            return self._ahead.popleft()[1]
        page = self._page
        if self._plain and page is not None and not self._closed:
            pos = self._pos
            if pos < len(page.items):
                self._pos = pos + 1
                self._yielded += 1
                return page.items[pos]
            return END
        return self._take_from_page()

    def _page_in_hand(self) -> Page[T] | None:
        """For ``pages()``: what is already read and not yielded -- peeked items and the rest
        of the current page -- as one page, or None when nothing is."""
        if self._ahead:
            peeked = tuple(item for _, item in self._ahead)
            self._ahead.clear()
            if not self._page_exhausted():
                peeked += tuple(self._rest_of_page())
            return Page(peeked, self._frontier_token())
        if self._page is not None and not self._page_exhausted():
            return self._rest_as_page()
        return None

    def _rest_as_page(self) -> Page[T]:
        return Page(tuple(self._rest_of_page()), self._frontier_token())

    def _rest_of_page(self) -> Iterator[T]:
        while (item := self._take_from_page()) is not END:
            yield item

    def _upcoming(self) -> Position | None:
        """The page a listing may fetch *ahead*, while its consumer reads the one in hand
        (sans I/O, no state changed): where the next request will start, when the running
        call will need that page.  None when nothing follows, when the following token loops
        back (the next request refuses the cycle), or when what is in hand covers the call's
        need (``first()``, a small ``take``, ``max_items``): a page nobody asked for is never
        fetched.  Before the first page, the first page itself (what the call needs)."""
        if self._closed or self._at_max():
            return None
        if self._page is None:
            return self._origin
        following = self._following()
        if following is None:
            return None
        if following.token is not None and (following.segment, following.token) in (self._followed):
            return None
        need = self._needed()
        if need is not None and need <= len(self._ahead) + len(self._page.items) - self._pos:
            return None
        return following

    def _next_request(self) -> Position | None:
        """Where the next page starts (sans I/O); None at the end of the listing."""
        if self._closed or self._at_max():
            return None
        if self._page is not None:
            following = self._following()
            if following is None:
                return None
            if following.token is not None and (following.segment, following.token) in (
                self._followed
            ):
                self._refuse_cycle()
            if following.segment != self._page_position.segment:
                self._stop_rule = self._new_stop() if self._new_stop is not None else None
            self._origin = following
        return self._origin

    def _refuse_cycle(self) -> None:
        """The current page's next token was followed before (A -> B -> A).  Following it
        would repeat items forever.  Resume by asking for the current page again, past its
        items: a transient glitch then heals, a persistent one raises again."""
        assert self._page is not None
        position = self._page_position
        # past its items, and past the items a larger-page token still had to skip (carry)
        skip = len(self._page.items) + self._carry
        self._origin = Position(position.segment, position.token, skip)
        self._followed.discard((position.segment, position.token or ""))
        self._page = None
        error = TokenCycleError(
            f"{self._label}: the service sent a pagination token this listing already "
            f"followed (after {self._requests} page(s)); following it would repeat items"
        )
        error.resume_token = self._resume_token()
        raise error

    def _accept(self, position: Position, page: RawPage[T]) -> None:
        """Take the page fetched for ``position`` (sans I/O)."""
        self._requests += 1
        if page.skipped:
            self._skipped_count += len(page.skipped)
            self._skipped.extend(page.skipped[: max(SKIPPED_KEPT - len(self._skipped), 0)])
        if position.token is not None:
            self._followed.add((position.segment, position.token))
        self._page = page
        self._page_position = Position(position.segment, position.token)
        self._pos = min(position.skip, len(page.items))
        # A token taken with a larger page size can skip past this page: on into the next.
        self._carry = position.skip - self._pos
        self._tail = (
            self._end_on_repeat and position.token is not None and page.next_token == position.token
        )
        self._last_page = self._stop_rule is not None and self._stop_rule.after_page(page.items)
        log.debug(
            "%s: page %d, %d items, %s",
            self._label,
            self._requests,
            len(page.items),
            "more to come"
            if page.next_token and not (self._last_page or self._tail)
            else "last page",
        )


class Guard:
    """Refuse a second thread (or a re-entrant call) while the pager is busy."""

    def __init__(self, lock: threading.Lock, label: str, consumer: str = "thread") -> None:
        self._lock = lock
        self._label = label
        self._consumer = consumer

    def __enter__(self) -> None:
        if not self._lock.acquire(blocking=False):
            raise busy_error(self._label, self._consumer)

    def __exit__(self, *exc: object) -> None:
        self._lock.release()


def busy_error(label: str, consumer: str) -> BatchKitError:
    """The error for a second consumer of a one-consumer pager."""
    return BatchKitError(
        f"{label}: this pager is being iterated elsewhere (another {consumer}); a pager is "
        f"for one consumer at a time -- make one pager per {consumer}"
    )


#: How many of the latest service tokens a listing remembers to refuse a cycle: A -> B -> A
#: is caught at once if it spans at most this many pages (a longer "cycle" reads like an
#: endless listing: ``max_items``, ``take`` or ``close`` end it).
FOLLOWED_WINDOW = 1024

#: What :meth:`Consumed._next_ready` returns when no item is ready without a request.
END = object()

#: The largest first page :meth:`PagerCore._fetch_size` asks for when a call needs only a few
#: items: every listing operation accepts 100, filtered or not; a call that needs more gets
#: the service's default page, as iteration does.
SMALL_FIRST_PAGE = 100
