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

import enum
import json
import math
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
from pydantic_core import core_schema
from typing_extensions import Self

from batchkit._spec import hooks
from batchkit._spec.time import EPOCH, from_epoch_millis, to_epoch_millis

__all__ = ["BatchKitModel", "EpochMillis", "LazyModel", "OpenEnum", "UtcDatetime", "WireList"]

_ONE_MS = timedelta(milliseconds=1)

#: How many unknown values each enum keeps as cached pseudo-members (see OpenEnum).
UNKNOWN_CACHE_SIZE = 256
_unknown_lock = threading.Lock()
_unknown_cached: dict[type, int] = {}  # per enum class: unknown values cached so far
_E = TypeVar("_E", bound="OpenEnum")


class OpenEnum(str, enum.Enum):
    """A string enum that accepts values it does not know yet.

    * a declared value or a member *name* gives the member:
      ``S3JobStatus("Active") is S3JobStatus("ACTIVE") is S3JobStatus.ACTIVE``;
    * any other string does not raise: ``JobStatus("HIBERNATING")`` is a pseudo-member of
      ``JobStatus`` whose ``value`` is ``"HIBERNATING"`` and whose ``is_known`` is False.
      It round-trips, and the first :data:`UNKNOWN_CACHE_SIZE` unknown values of each enum
      are cached so that ``is`` works for them; past that, each call returns a new
      (equal) member, so a stream of junk values cannot grow memory.  Compare with ``==``.

    >>> from batchkit.models import JobStatus
    >>> JobStatus("HIBERNATING").value, JobStatus("HIBERNATING").is_known
    ('HIBERNATING', False)
    """

    @classmethod
    def _missing_(cls, value: object) -> OpenEnum | None:
        if not isinstance(value, str):
            return None
        declared = cls.__members__.get(value)
        if declared is not None:
            return declared
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
        schema = dict(handler(source))
        schema["serialization"] = core_schema.plain_serializer_function_ser_schema(
            _enum_value, return_schema=core_schema.str_schema()
        )
        return cast(core_schema.CoreSchema, schema)


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


# The configuration is given as class keywords, not ``model_config``: pydantic's
# ``dataclass_transform`` shows ``frozen=True`` to pyright only as a class keyword (its mypy
# plugin reads either, but not both at once), so ``job.job_id = "x"`` is a type error in both
# checkers as well as at runtime.  Each generated model repeats ``frozen=True`` for pyright.
class BatchKitModel(
    BaseModel,
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
