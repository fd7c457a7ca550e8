"""The ``stats`` object (requests with ``stats=``): arrays indexed like ``csv`` plus buy-box and count fields.

For S types Keepa reports the landed price. -1 means no data in the interval and -2 "not collected"
(buy-box fields without ``offers=``/``buybox=``); both read as ``None`` through the accessors.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from operator import countOf
from typing import Any, Generic, Literal, TypeVar, overload

from arbvault.keepa.csv_types import CSV_LENGTH, CsvType
from arbvault.keepa.time import keepa_minutes_to_datetime
from arbvault.keepa.units import cents_to_decimal

_T = TypeVar("_T")
Window = Literal["current", "avg", "avg30", "avg90", "avg180", "avg365", "at_interval_start"]
Extreme = tuple[datetime, int]


@dataclass(slots=True)
class BuyBoxShare:
    """One seller's share of the buy box over the stats interval (``buyBoxStats``). Read-only."""

    seller_id: str
    percentage_won: Decimal
    avg_price: Decimal | None
    is_fba: bool
    last_seen: datetime | None


def _is_int(value: Any) -> bool:
    return type(value) is int or (isinstance(value, int) and not isinstance(value, bool))


_NO_VALUES = (-1,) * CSV_LENGTH
_NO_EXTREMES = (None,) * CSV_LENGTH


def _ints(values: Any) -> tuple[int, ...]:
    # Keepa sends 36 plain ints: no slice or padding then, and one C-level pass over the types settles the rest
    # instead of a check per entry.
    if type(values) is list and len(values) == CSV_LENGTH:
        items = tuple(values)
    else:
        items = tuple((values or [])[:CSV_LENGTH])
    if countOf(map(type, items), int) != len(items):
        items = tuple([v if _is_int(v) else -1 for v in items])
    return items + _NO_VALUES[len(items):]


def _extreme(entry: Any) -> Extreme | None:
    when = keepa_minutes_to_datetime(entry[0]) if entry and len(entry) == 2 else None
    return (when, entry[1]) if when is not None and entry[1] >= 0 else None


class ExtremePoints(Sequence[Extreme | None]):
    """One extremes array of ``stats`` (``min``, ``max``, ...): 36 entries, ``(datetime, value)`` or ``None``.

    Entries are read when accessed. Neither parsing nor the engine reads any, and dating the thirty-odd set
    entries of four arrays up front was a sixth of parsing a product.
    """

    __slots__ = ("_raw",)

    def __init__(self, raw: Any) -> None:
        entries = tuple((raw or [])[:CSV_LENGTH])
        self._raw = entries + _NO_EXTREMES[len(entries):]

    def __len__(self) -> int:
        return CSV_LENGTH

    @overload
    def __getitem__(self, index: int) -> Extreme | None: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[Extreme | None, ...]: ...

    def __getitem__(self, index: int | slice) -> Extreme | tuple[Extreme | None, ...] | None:
        if isinstance(index, slice):
            return tuple(_extreme(entry) for entry in self._raw[index])
        return _extreme(self._raw[index])

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (ExtremePoints, tuple)):
            return tuple(self) == tuple(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(tuple(self))

    def __repr__(self) -> str:
        return repr(tuple(self))


_ARRAYS: dict[str, tuple[str, Callable[[Any], Any]]] = {
    "avg": ("avg", _ints), "avg30": ("avg30", _ints), "avg90": ("avg90", _ints), "avg180": ("avg180", _ints),
    "avg365": ("avg365", _ints), "at_interval_start": ("atIntervalStart", _ints),
    "min": ("min", ExtremePoints), "max": ("max", ExtremePoints),
    "min_in_interval": ("minInInterval", ExtremePoints), "max_in_interval": ("maxInInterval", ExtremePoints),
    "out_of_stock_percentage_30": ("outOfStockPercentage30", _ints),
    "out_of_stock_percentage_90": ("outOfStockPercentage90", _ints),
}
"""``StatsArrays``' arrays: ``KeepaStats`` attribute -> (wire name, converter), in the order they compare."""


class StatsArrays:
    """The arrays of a raw ``stats`` object other than ``current``, each converted when first read and kept.

    ``KeepaStats`` exposes them as attributes (``avg90``, ``min``, ...) of the same types and values as converting
    them while parsing. Parsing reads none of them and the engine one, and converting all twelve up front was
    two thirds of parsing ``stats``. They are read from the raw object later, so it must not change after
    parsing (nothing changes a raw product).
    """

    __slots__ = ("_raw", "_read")

    def __init__(self, raw: Mapping[str, Any]) -> None:
        self._raw = raw
        self._read: dict[str, Any] = {}

    def __getitem__(self, name: str) -> Any:
        """The converted array for ``KeepaStats`` attribute ``name``."""
        value = self._read.get(name)
        if value is None:
            key, convert = _ARRAYS[name]
            value = self._read[name] = convert(self._raw.get(key))
        return value

    def __eq__(self, other: object) -> bool:
        if isinstance(other, StatsArrays):
            return all(self[name] == other[name] for name in _ARRAYS)
        return NotImplemented

    def __repr__(self) -> str:
        return f"StatsArrays({', '.join(f'{name}={self[name]!r}' for name in _ARRAYS)})"


class _Array(Generic[_T]):
    """A ``KeepaStats`` attribute read through its ``StatsArrays``."""

    __slots__ = ("_name",)

    def __set_name__(self, owner: type[KeepaStats], name: str) -> None:
        self._name = name

    @overload
    def __get__(self, stats: None, owner: type[KeepaStats]) -> _Array[_T]: ...

    @overload
    def __get__(self, stats: KeepaStats, owner: type[KeepaStats] | None = None) -> _T: ...

    def __get__(self, stats: KeepaStats | None, owner: type[KeepaStats] | None = None) -> _T | _Array[_T]:
        if stats is None:
            return self
        value: _T = stats._arrays[self._name]
        return value


@dataclass(slots=True)
class KeepaStats:
    """A parsed ``stats`` object; the 36-entry arrays keep Keepa's raw integers (see the accessors).

    Read-only (not frozen: see ``product``). ``current`` is converted while parsing, the other arrays when first
    read (``StatsArrays``).
    """

    current: tuple[int, ...]
    sales_rank_drops_30: int | None
    sales_rank_drops_90: int | None
    sales_rank_drops_180: int | None
    sales_rank_drops_365: int | None
    total_offer_count: int | None
    offer_count_fba: int | None
    offer_count_fbm: int | None
    retrieved_offer_count: int | None
    buy_box_price: Decimal | None
    buy_box_shipping: Decimal | None
    buy_box_seller_id: str | None
    buy_box_is_amazon: bool | None
    buy_box_is_fba: bool | None
    buy_box_is_used: bool | None
    buy_box_used_price: Decimal | None
    buy_box_used_shipping: Decimal | None
    last_offers_update: datetime | None
    buy_box_stats: tuple[BuyBoxShare, ...]
    _arrays: StatsArrays
    """What the array attributes below read (``StatsArrays``)."""

    avg = _Array[tuple[int, ...]]()
    avg30 = _Array[tuple[int, ...]]()
    avg90 = _Array[tuple[int, ...]]()
    avg180 = _Array[tuple[int, ...]]()
    avg365 = _Array[tuple[int, ...]]()
    at_interval_start = _Array[tuple[int, ...]]()
    min = _Array[ExtremePoints]()
    max = _Array[ExtremePoints]()
    min_in_interval = _Array[ExtremePoints]()
    max_in_interval = _Array[ExtremePoints]()
    out_of_stock_percentage_30 = _Array[tuple[int, ...]]()
    out_of_stock_percentage_90 = _Array[tuple[int, ...]]()

    def value(self, kind: CsvType, window: Window = "current") -> int | None:
        """The integer for ``kind`` in ``window`` (rank, count, rating x10, cents); ``None`` when negative."""
        raw = getattr(self, window)[kind]
        return raw if raw >= 0 else None

    def price(self, kind: CsvType, window: Window = "current") -> Decimal | None:
        """The dollar amount for price type ``kind`` in ``window``."""
        return cents_to_decimal(self.value(kind, window))

    @property
    def buy_box_landed_price(self) -> Decimal | None:
        """Buy-box price plus shipping when the buy box was collected, else ``current[BUY_BOX_SHIPPING]``."""
        if self.buy_box_price is not None:
            return self.buy_box_price + (self.buy_box_shipping or Decimal("0.00"))
        return self.price(CsvType.BUY_BOX_SHIPPING)

    @property
    def buy_box_used_landed_price(self) -> Decimal | None:
        """Used buy-box price plus shipping when collected, else ``current[BUY_BOX_USED_SHIPPING]``."""
        if self.buy_box_used_price is not None:
            return self.buy_box_used_price + (self.buy_box_used_shipping or Decimal("0.00"))
        return self.price(CsvType.BUY_BOX_USED_SHIPPING)


def _count(value: Any) -> int | None:
    return value if _is_int(value) and value >= 0 else None


def _flag(value: Any) -> bool | None:
    return value if isinstance(value, bool) else None


def _buy_box_stats(values: Mapping[str, Any] | None) -> tuple[BuyBoxShare, ...]:
    shares = []
    for seller, item in (values or {}).items():
        shares.append(BuyBoxShare(
            seller_id=seller,
            percentage_won=Decimal(str(item.get("percentageWon", 0))),
            avg_price=cents_to_decimal(item.get("avgPrice")),
            is_fba=bool(item.get("isFBA")),
            last_seen=keepa_minutes_to_datetime(item.get("lastSeen")),
        ))
    return tuple(sorted(shares, key=lambda share: share.percentage_won, reverse=True))


def parse_stats(raw: Mapping[str, Any] | None) -> KeepaStats | None:
    """Parse ``product["stats"]``; ``None`` when the request had no ``stats=``. Short arrays pad with -1."""
    if not raw:
        return None
    get = raw.get
    seller = get("buyBoxSellerId")
    return KeepaStats(
        current=_ints(get("current")),
        sales_rank_drops_30=_count(get("salesRankDrops30")),
        sales_rank_drops_90=_count(get("salesRankDrops90")),
        sales_rank_drops_180=_count(get("salesRankDrops180")),
        sales_rank_drops_365=_count(get("salesRankDrops365")),
        total_offer_count=_count(get("totalOfferCount")),
        offer_count_fba=_count(get("offerCountFBA")),
        offer_count_fbm=_count(get("offerCountFBM")),
        retrieved_offer_count=_count(get("retrievedOfferCount")),
        buy_box_price=cents_to_decimal(get("buyBoxPrice")),
        buy_box_shipping=cents_to_decimal(get("buyBoxShipping")),
        buy_box_seller_id=seller if isinstance(seller, str) and seller not in ("-1", "-2") else None,
        buy_box_is_amazon=_flag(get("buyBoxIsAmazon")),
        buy_box_is_fba=_flag(get("buyBoxIsFBA")),
        buy_box_is_used=_flag(get("buyBoxIsUsed")),
        buy_box_used_price=cents_to_decimal(get("buyBoxUsedPrice")),
        buy_box_used_shipping=cents_to_decimal(get("buyBoxUsedShipping")),
        last_offers_update=keepa_minutes_to_datetime(get("lastOffersUpdate")),
        buy_box_stats=_buy_box_stats(get("buyBoxStats")),
        _arrays=StatsArrays(raw),
    )
