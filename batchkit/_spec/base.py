"""The building blocks every generated model is made of.

Why these exist:

* AWS adds enum values and response members without notice.  A typed SDK that
  raises on them would break working code the day AWS ships a feature, so
  :class:`OpenEnum` keeps unknown values as real (typed) members and
  :class:`BatchKitModel` keeps unknown members as extras.  Both round-trip.
* AWS Batch sends times as epoch milliseconds (``long``).  :data:`EpochMillis`
  turns them into timezone-aware UTC ``datetime`` and back, exactly.
* Lists become tuples so a frozen model is immutable all the way down; they are
  turned back into lists by :meth:`BatchKitModel.to_boto`.
"""

from __future__ import annotations

import difflib
import enum
import functools
import json
import math
import re
import threading
from collections.abc import Callable, Iterator, Mapping
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Annotated, Any, TypeVar, cast

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    GetCoreSchemaHandler,
    PlainSerializer,
    SerializationInfo,
    SerializerFunctionWrapHandler,
    TypeAdapter,
    ValidatorFunctionWrapHandler,
    WrapSerializer,
    model_serializer,
    model_validator,
)
from pydantic_core import PydanticSerializationError, core_schema
from typing_extensions import Self

from batchkit._spec import hooks
from batchkit._spec.time import EPOCH, from_epoch_millis, to_epoch_millis

__all__ = [
    "BatchKitModel",
    "EmptyWhenAbsent",
    "EpochMillis",
    "InterruptSafeDumps",
    "LazyModel",
    "OpenEnum",
    "UtcDatetime",
    "WireList",
    "reraise_interrupt",
]

_ONE_MS = timedelta(milliseconds=1)

#: How many unknown values each enum keeps as cached pseudo-members (see OpenEnum).
UNKNOWN_CACHE_SIZE = 256
_unknown_lock = threading.Lock()
_unknown_cached: dict[type, int] = {}  # per enum class: unknown values cached so far
_E = TypeVar("_E", bound="OpenEnum")


class _OpenEnumMeta(enum.EnumMeta):
    """``JobStatus("FAILD")`` is user input: it must name a known status (any case).  Values
    from AWS reach the enum through :meth:`OpenEnum.from_wire` (pydantic calls
    ``_missing_``), where an unknown value is kept."""

    def __call__(cls, value: Any, *args: Any, **kwargs: Any) -> Any:
        if args or kwargs or not isinstance(value, str) or isinstance(value, cls):
            return super().__call__(value, *args, **kwargs)  # the functional API, a member
        member = cast(Any, cls).lookup(value)
        if member is None:
            raise ValueError(cast(Any, cls).unknown_message(value))
        return member


class OpenEnum(str, enum.Enum, metaclass=_OpenEnumMeta):
    """A string enum that accepts the values AWS sends, known or not yet.

    * a declared value or a member *name* gives the member, in any case:
      ``S3JobStatus("Active") is S3JobStatus("ACTIVE") is S3JobStatus("active")``;
    * calling the enum is for *your* input: a value it does not know is a ``ValueError``
      with a suggestion (``JobStatus("FAILD")``: did you mean 'FAILED'?);
    * a value *from AWS* that this batchkit does not know yet is kept: responses are read
      through :meth:`from_wire`, which gives a pseudo-member whose ``value`` is that string
      and whose ``is_known`` is False (``JobStatus.from_wire("HIBERNATING")``; pass one to
      a request for a value newer than batchkit).  It round-trips, and the first
      :data:`UNKNOWN_CACHE_SIZE` unknown values of each enum are cached so that ``is``
      works for them; past that, each call returns a new (equal) member, so a stream of
      junk values cannot grow memory.  Compare with ``==``.

    >>> from batchkit.models import JobStatus
    >>> JobStatus("failed") is JobStatus.FAILED
    True
    >>> JobStatus.from_wire("HIBERNATING").value, JobStatus.from_wire("HIBERNATING").is_known
    ('HIBERNATING', False)
    """

    @classmethod
    def _missing_(cls, value: object) -> OpenEnum | None:
        if not isinstance(value, str):
            return None
        # Not a declared value: kept exactly as AWS sent it, even if it spells a member's
        # *name* ("SPOT" where the value is "spot"): to_boto() must give back what came.
        member = str.__new__(cls, value)
        member._name_ = value
        member._value_ = value
        with _unknown_lock:
            cached = cls._value2member_map_.get(value)
            if cached is not None:  # another thread registered it meanwhile
                return cast(OpenEnum, cached)
            count = _unknown_cached.get(cls, 0)
            if count < UNKNOWN_CACHE_SIZE:
                # Registering the pseudo-member makes the next lookup an ordinary hit.
                cls._value2member_map_[value] = member
                _unknown_cached[cls] = count + 1
        return member

    @classmethod
    def from_wire(cls: type[_E], value: str) -> _E:
        """The member for a value as AWS sends it: a declared one, or a pseudo-member for a
        value newer than this batchkit (never an error).

        >>> from batchkit.models import JobStatus
        >>> JobStatus.from_wire("FAILED") is JobStatus.FAILED
        True
        >>> JobStatus.from_wire("PAUSED")
        JobStatus('PAUSED')
        """
        member: _E = enum.EnumMeta.__call__(cls, value)
        return member

    @classmethod
    def known(cls: type[_E], value: str) -> _E | None:
        """The declared member with this value or name, else None (creates nothing).

        >>> from batchkit.models import S3JobStatus
        >>> S3JobStatus.known("ACTIVE"), S3JobStatus.known("Hibernating")
        (S3JobStatus.ACTIVE, None)
        """
        if not isinstance(value, str):
            return None
        for member in cls.__members__.values():
            if member._value_ == value:
                return member
        return cls.__members__.get(value)

    @classmethod
    def lookup(cls: type[_E], value: str) -> _E | None:
        """:meth:`known`, else the one declared member whose value or name equals ``value``
        in another case (``"failed"``); None if there is none, or more than one."""
        member = cls.known(value)
        if member is not None or not isinstance(value, str):
            return member
        folded = value.casefold()
        matches = {
            m
            for name, m in cls.__members__.items()
            if folded in (name.casefold(), str(m._value_).casefold())
        }
        return matches.pop() if len(matches) == 1 else None

    @classmethod
    def suggestion(cls, value: str) -> str | None:
        """The declared value closest to ``value`` (a typo's fix), if one is close."""
        values = {str(m._value_).casefold(): str(m._value_) for m in cls.__members__.values()}
        close = difflib.get_close_matches(value.strip().casefold(), list(values), n=1)
        return values[close[0]] if close else None

    @classmethod
    def unknown_message(cls, value: str) -> str:
        """Why ``value`` is refused as user input: the suggestion, the allowed values, and
        how to pass a value newer than batchkit."""
        allowed = ", ".join(str(m._value_) for m in cls.__members__.values())
        guess = cls.suggestion(value)
        hint = f"did you mean {guess!r}? " if guess is not None else ""
        return (
            f"{value!r} is not a known {cls.__name__}: {hint}allowed: {allowed} "
            f"(for a value newer than this batchkit, pass {cls.__name__}.from_wire({value!r}))"
        )

    def __reduce_ex__(self, protocol: Any) -> Any:
        # unpickling goes through from_wire: an unknown value from AWS stays one
        return _from_wire, (type(self), self._value_)

    @property
    def is_known(self) -> bool:
        """True only for the values AWS declared (those this batchkit was generated with)."""
        return type(self).__members__.get(self._name_) is self

    def __repr__(self) -> str:
        if self.is_known:
            return f"{type(self).__name__}.{self._name_}"
        return f"{type(self).__name__}({self._value_!r})"

    def __str__(self) -> str:
        return str(self.value)

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: type[Any], handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        # Serialize to the plain wire string, so ``to_boto()`` is exactly what boto3 returns.
        # A declared value: pydantic-core's own lookup (no Python call).  Any other string
        # is a value from AWS newer than this batchkit: a pseudo-member, by from_wire --
        # pydantic's enum validator would call the class, which is strict (user input).
        # The lookup is a literal schema of the members (it gives the member for its exact
        # value, in Rust): pydantic-core's enum validator calls the class on a miss -- user
        # input, any case: "SPOT" became ``spot`` -- where a value from AWS must be kept.
        schema = core_schema.union_schema(
            [
                core_schema.literal_schema(list(cls.__members__.values())),
                core_schema.no_info_plain_validator_function(
                    functools.partial(_validate_wire, cls),
                    json_schema_input_schema=core_schema.str_schema(),
                ),
            ],
            mode="left_to_right",
            custom_error_type="open_enum",
            custom_error_message=f"Input should be a {cls.__name__} value (a string)",
        )
        schema["serialization"] = core_schema.plain_serializer_function_ser_schema(
            _enum_value, return_schema=core_schema.str_schema()
        )
        return schema


def _from_wire(cls: type[OpenEnum], value: str) -> OpenEnum:
    return cls.from_wire(value)


def _validate_wire(cls: type[OpenEnum], value: object) -> OpenEnum:
    if isinstance(value, cls):
        return value
    if not isinstance(value, str):
        raise ValueError(f"expected a {cls.__name__} value (a string), got {type(value).__name__}")
    return cls.from_wire(value)


def _enum_value(member: OpenEnum) -> str:
    return str.__str__(member)


def _from_epoch_millis(value: Any) -> Any:
    if type(value) is int:  # the wire's case first: one check, one addition
        try:
            return EPOCH + value * _ONE_MS
        except OverflowError:  # pydantic reports ValueErrors with the member's name
            raise ValueError(f"epoch milliseconds out of range: {value}") from None
    if isinstance(value, bool):  # bool is an int; never a timestamp
        raise ValueError("expected epoch milliseconds (int) or an aware datetime, got a bool")
    if isinstance(value, int):
        return from_epoch_millis(value)  # ValueError (a validation error) when out of range
    if isinstance(value, float):
        # A ``long`` botocore passes through as sent: a float is still epoch *milliseconds*
        # (pydantic would read a float under 2e10 as seconds), its fraction truncated.
        if not math.isfinite(value):
            raise ValueError(f"epoch milliseconds must be finite, got {value}")
        return from_epoch_millis(int(value))
    if isinstance(value, datetime) and value.tzinfo is None:
        raise ValueError(
            "naive datetime: give a timezone-aware datetime (e.g. tzinfo=timezone.utc)"
        )
    return value


def _to_epoch_millis(value: datetime, info: SerializationInfo) -> int | datetime:
    # Epoch milliseconds for the wire (to_boto, JSON); the datetime itself for display rows.
    if info.mode == "json" or (info.context or {}).get("wire"):
        return to_epoch_millis(value)
    return value


#: A Batch ``long`` timestamp: epoch milliseconds on the wire, aware UTC datetime in Python.
EpochMillis = Annotated[
    datetime,
    BeforeValidator(_from_epoch_millis),
    PlainSerializer(_to_epoch_millis, when_used="unless-none"),
]


def _tuple_to_list(
    value: Any, handler: SerializerFunctionWrapHandler, info: SerializationInfo
) -> Any:
    out = handler(value)
    return list(out) if isinstance(out, tuple) else out


def _assume_utc(value: Any) -> Any:
    # botocore reads a timestamp without a zone ("2026-11-01T00:00:00") as a naive datetime;
    # AWS's timestamps are UTC, so that is what it means.
    if isinstance(value, datetime) and value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value


def _as_utc(value: datetime) -> datetime:
    try:
        return value.astimezone(timezone.utc)
    except OverflowError:  # 9999-12-31T23:00:00-05:00: no datetime holds it in UTC
        raise ValueError(f"timestamp out of range in UTC: {value.isoformat()}") from None


#: A protocol timestamp (S3 Control): botocore parses it to an aware datetime (often in
#: ``tzlocal()``); it is kept as the same instant, expressed in UTC.  One without a zone is
#: read as UTC.
UtcDatetime = Annotated[AwareDatetime, BeforeValidator(_assume_utc), AfterValidator(_as_utc)]

_T = TypeVar("_T")

#: A wire list: an immutable tuple in Python, a list again in :meth:`BatchKitModel.to_boto`.
WireList = Annotated[tuple[_T, ...], WrapSerializer(_tuple_to_list)]


def _none_as_empty(value: Any) -> Any:
    return () if value is None else value


#: A wire list that is ``()`` when AWS leaves it out (``JobDetail.attempts``): a job that
#: has not run has no attempts, not "unknown" attempts.
EmptyWhenAbsent = Annotated[
    tuple[_T, ...], BeforeValidator(_none_as_empty), WrapSerializer(_tuple_to_list)
]


def _freeze(value: Any) -> Any:
    if isinstance(value, Mapping):
        return frozenset((k, _freeze(v)) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return tuple(_freeze(v) for v in value)
    return value


#: Shared ``__pydantic_fields_set__`` sets (see BatchKitModel.model_post_init), bounded.
_FIELDS_SETS: dict[frozenset[str], set[str]] = {}
_FIELDS_SETS_MAX = 4096
#: pydantic's ``__pydantic_fields_set__`` slot, written directly (a frozen model refuses
#: ``setattr``; the slot's own setter is cheaper than ``object.__setattr__``).
_set_fields_set: Callable[[BaseModel, set[str]], None] = BaseModel.__dict__[
    "__pydantic_fields_set__"
].__set__


_INTERRUPT = re.compile(r"Error calling function `[^`]*`: (KeyboardInterrupt|SystemExit)\b")


def reraise_interrupt(error: PydanticSerializationError) -> None:
    """Raise the Ctrl-C (``KeyboardInterrupt``) or ``SystemExit`` that pydantic-core turned
    into ``error``, if it did.

    Why: a signal lands while Python code runs -- during a dump, inside one of the Python
    serializers (enum values, epoch milliseconds, tuples).  pydantic-core reports any
    exception there as a ``PydanticSerializationError`` (the interrupt is its cause in
    Python mode, only named in its message in JSON mode): Ctrl-C would surface as a
    serialization bug, with a traceback, instead of stopping the program.
    """
    cause = error.__cause__
    if isinstance(cause, (KeyboardInterrupt, SystemExit)):
        raise cause
    match = _INTERRUPT.search(str(error))
    if match is not None:
        raise KeyboardInterrupt if match[1] == "KeyboardInterrupt" else SystemExit(1)


class InterruptSafeDumps(BaseModel):
    """``model_dump``/``model_dump_json`` (so ``to_boto``) let Ctrl-C through as Ctrl-C
    (:func:`reraise_interrupt`)."""

    def model_dump(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        try:
            return super().model_dump(*args, **kwargs)
        except PydanticSerializationError as error:
            reraise_interrupt(error)
            raise

    def model_dump_json(self, *args: Any, **kwargs: Any) -> str:
        try:
            return super().model_dump_json(*args, **kwargs)
        except PydanticSerializationError as error:
            reraise_interrupt(error)
            raise


# The configuration is given as class keywords, not ``model_config``: pydantic's
# ``dataclass_transform`` shows ``frozen=True`` to pyright only as a class keyword (its mypy
# plugin reads either, but not both at once), so ``job.job_id = "x"`` is a type error in both
# checkers as well as at runtime.  Each generated model repeats ``frozen=True`` for pyright.
class BatchKitModel(
    InterruptSafeDumps,
    frozen=True,
    extra="allow",
    validate_by_alias=True,
    validate_by_name=True,
    serialize_by_alias=True,
    protected_namespaces=(),
    ser_json_timedelta="float",
    # Build validators on first use, not at import: `import batchkit` stays close to
    # `import boto3` (bench/), and a script that lists jobs never builds JobDetail.
    defer_build=True,
):
    """Base of every response model.

    * frozen and hashable (maps and unknown members included);
    * attributes are snake_case, validation accepts wire names *and* attribute names;
    * unknown members are kept and returned by :meth:`to_boto`;
    * the repr shows only the members AWS sent.
    """

    def model_post_init(self, context: Any, /) -> None:
        # Memory: pydantic gives every instance its own set of the names AWS sent (a set of
        # 11 names is ~730 bytes: a third of a JobSummary).  Items of one response mostly
        # share a handful of such sets, so each instance keeps the first equal one instead.
        # The set is never mutated in place (frozen models; model_copy copies it first).
        # Runs once per model instance (~22 per JobDetail): kept to a few C-level steps.
        if self.__pydantic_extra__:
            return  # unknown members: names a hostile body can make endless, never cached
        fields_set = self.__pydantic_fields_set__
        key = frozenset(fields_set)
        shared = _FIELDS_SETS.get(key)
        if shared is None:
            if len(_FIELDS_SETS) >= _FIELDS_SETS_MAX:
                return
            shared = _FIELDS_SETS.setdefault(key, fields_set)
        _set_fields_set(self, shared)

    def to_boto(self) -> dict[str, Any]:
        """Return the exact wire dict (as boto3 returns it) this model was built from.

        Members newer than the installed botocore are in it too: batchkit reads every
        member of a response body on every path (JSON fast and slow, XML), where boto3's
        parser drops the ones its botocore does not know.  For a response whose members
        the installed botocore all knows, it equals boto3's dict.

        >>> from batchkit.models import JobSummary
        >>> wire = {"jobId": "1", "jobName": "n", "createdAt": 1480460782010}
        >>> JobSummary.model_validate(wire).to_boto() == wire
        True
        """
        return self.model_dump(
            by_alias=True, exclude_unset=True, exclude_none=True, context={"wire": True}
        )

    def _repr_html_(self) -> str:
        """Notebook display: a table of the members AWS sent."""
        from batchkit._spec.display import html_row_table

        return html_row_table(self)

    def __hash__(self) -> int:
        return hash((type(self), _freeze(self.__dict__)))

    def __repr_args__(self) -> Iterator[tuple[str | None, Any]]:
        # Only what AWS sent: a JobDetail has ~50 optional members, mostly unset.
        fields_set = self.model_fields_set
        for name, value in self.__dict__.items():
            if name in fields_set:
                yield name, value
        if self.__pydantic_extra__:
            yield from self.__pydantic_extra__.items()


#: The key of a lazy model's deferred members in its ``__pydantic_private__``.
_DEFERRED = "batchkit_deferred"


def _nested(annotation: Any) -> bool:
    """Whether a field's type holds models, lists or maps (what is worth deferring)."""
    text = repr(annotation)
    return "batchkit." in text or "Mapping" in text or "tuple" in text


def _invalid_member(model: BaseModel, name: str, error: Exception) -> Exception:
    """The error for a deferred member that turns out not to match its shape: the one
    ``batchkit._core.errors`` registers (a ``ResponseValidationError``), else a ValueError."""
    if hooks.invalid_member is not None:
        return hooks.invalid_member(model, name, error)
    return ValueError(f"{type(model).__name__}.{name}: {error}")


class LazyModel(BatchKitModel, frozen=True):
    """A model whose nested members (models, lists of them, maps) are validated when first
    read, from the JSON text kept until then.

    Why: a full ``JobDetail`` is some 20 model instances and 40 objects the garbage collector
    tracks; a page of them that a program keeps makes Python's collections walk its whole
    heap more often (the figures are in docs/performance.md).  Kept as text (a ``str`` is
    not tracked), a job costs a handful of objects until its nested parts are read -- most
    programs read its status, times and ids, and a watch reads nothing else.  The typed API
    is unchanged: reading ``job.container`` validates every deferred member of that job
    once; equality, hashing, ``repr``, pickling, copies, ``model_dump``/``to_boto()`` and
    any pydantic serialization of it (a ``TypeAdapter``, a model holding it) read them
    first.  A deferred member that does not match its shape raises a
    :class:`~batchkit.ResponseValidationError` when read, naming the job and the member.

    >>> from batchkit.models import JobDetail
    >>> job = JobDetail.model_validate({"jobId": "j1", "jobName": "etl", "jobQueue": "q",
    ...     "status": "RUNNING", "jobDefinition": "etl:1", "startedAt": 0,
    ...     "container": {"image": "busybox", "vcpus": 2}})
    >>> job.__pydantic_private__ is not None  # the container is still text
    True
    >>> job.container.vcpus, job.__pydantic_private__ is None
    (2, True)
    """

    @model_validator(mode="wrap")
    @classmethod
    def _defer_nested(cls, data: Any, handler: ValidatorFunctionWrapHandler) -> Any:
        if type(data) is not dict:
            return handler(data)
        lazy = _lazy_members(cls)
        deferred: dict[str, Any] | None = None
        for key in lazy.keys() & data.keys():
            value = data[key]
            if value is None:
                continue
            if deferred is None:
                deferred, data = {}, dict(data)
            deferred[lazy[key]] = data.pop(key)
        if deferred is None:
            return handler(data)
        model = handler(data)
        state = model.__dict__
        for name in deferred:
            state.pop(name, None)
        # one JSON text per job: a str is not tracked by the collector, nor is the dict
        # holding it (str keys and values only)
        text = json.dumps(deferred, separators=(",", ":"))
        object.__setattr__(model, "__pydantic_private__", {_DEFERRED: text})
        fields_set = model.__pydantic_fields_set__ | deferred.keys()
        shared = _FIELDS_SETS.get(frozenset(fields_set))
        if shared is None and len(_FIELDS_SETS) < _FIELDS_SETS_MAX:
            shared = _FIELDS_SETS.setdefault(frozenset(fields_set), fields_set)
        _set_fields_set(model, shared if shared is not None else fields_set)
        return model

    def _materialize(self) -> None:
        """Validate every deferred member (once): after this the model is an ordinary one."""
        private = self.__pydantic_private__
        if not private or _DEFERRED not in private:
            return
        values: dict[str, Any] = json.loads(private[_DEFERRED])
        adapters = _lazy_adapters(type(self))
        state = self.__dict__
        validated: dict[str, Any] = {}
        for name, value in values.items():
            try:
                validated[name] = adapters[name].validate_python(value)
            except (ValueError, TypeError) as error:  # ValidationError is a ValueError
                raise _invalid_member(self, name, error) from None
        state.update(validated)
        object.__setattr__(self, "__pydantic_private__", None)

    if not TYPE_CHECKING:  # type checkers see the fields; this runs only for deferred ones

        def __getattr__(self, name: str) -> Any:
            private = self.__pydantic_private__
            if private and _DEFERRED in private and name in type(self).model_fields:
                self._materialize()
                return self.__dict__[name]
            return super().__getattr__(name)

    @model_serializer(mode="wrap")
    def _serialize_materialized(self, handler: SerializerFunctionWrapHandler) -> Any:
        self._materialize()
        return handler(self)

    def __eq__(self, other: object) -> bool:
        self._materialize()
        if isinstance(other, LazyModel):
            other._materialize()
        return super().__eq__(other)

    def __hash__(self) -> int:
        self._materialize()
        return super().__hash__()

    def __repr_args__(self) -> Iterator[tuple[str | None, Any]]:
        self._materialize()
        return super().__repr_args__()

    def __iter__(self) -> Any:
        self._materialize()
        return super().__iter__()

    def __getstate__(self) -> dict[Any, Any]:
        self._materialize()
        return super().__getstate__()

    def __copy__(self) -> Self:
        self._materialize()
        return super().__copy__()

    def __deepcopy__(self, memo: dict[int, Any] | None = None) -> Self:
        self._materialize()
        return super().__deepcopy__(memo)

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Self:
        self._materialize()
        return super().model_copy(update=update, deep=deep)

    if not TYPE_CHECKING:  # type checkers keep pydantic's signatures
        # Materialized before pydantic serializes, so that a member that does not match its
        # shape raises our typed error, not pydantic's PydanticSerializationError around it.
        def model_dump(self, **kwargs: Any) -> dict[str, Any]:
            self._materialize()
            return super().model_dump(**kwargs)

        def model_dump_json(self, **kwargs: Any) -> str:
            self._materialize()
            return super().model_dump_json(**kwargs)


_LAZY_MEMBERS: dict[type[BaseModel], dict[str, str]] = {}
_LAZY_ADAPTERS: dict[type[BaseModel], dict[str, TypeAdapter[Any]]] = {}
_LAZY_LOCK = threading.Lock()


def _lazy_members(model: type[BaseModel]) -> dict[str, str]:
    """Wire name and attribute name -> attribute name, for the fields a model defers."""
    found = _LAZY_MEMBERS.get(model)
    if found is None:
        found = {}
        for name, info in model.model_fields.items():
            if _nested(info.annotation):
                found[name] = name
                if info.alias:
                    found[info.alias] = name
        with _LAZY_LOCK:
            _LAZY_MEMBERS[model] = found
    return found


def _lazy_adapters(model: type[BaseModel]) -> dict[str, TypeAdapter[Any]]:
    """A validator per deferred field (its type, as the model's own would validate it)."""
    found = _LAZY_ADAPTERS.get(model)
    if found is None:
        found = {
            name: TypeAdapter(cast(Any, info.annotation))
            for name, info in model.model_fields.items()
            if name in _lazy_members(model)
        }
        with _LAZY_LOCK:
            _LAZY_ADAPTERS[model] = found
    return found
