"""The ``stats`` object (requests with ``stats=``): arrays indexed like ``csv`` plus buy-box and count fields.

For S types Keepa reports the landed price. -1 means no data in the interval and -2 "not collected"
(buy-box fields without ``offers=``/``buybox=``); both read as ``None`` through the accessors.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from operator import countOf
from typing import Any, Literal, overload

from arbvault.keepa.csv_types import CSV_LENGTH, CsvType
from arbvault.keepa.time import keepa_minutes_to_datetime
from arbvault.keepa.units import cents_to_decimal

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


@dataclass(slots=True)
class KeepaStats:
    """A parsed ``stats`` object; the 36-entry arrays keep Keepa's raw integers (see the accessors).

    Read-only (not frozen: see ``product``).
    """

    current: tuple[int, ...]
    avg: tuple[int, ...]
    avg30: tuple[int, ...]
    avg90: tuple[int, ...]
    avg180: tuple[int, ...]
    avg365: tuple[int, ...]
    at_interval_start: tuple[int, ...]
    min: ExtremePoints
    max: ExtremePoints
    min_in_interval: ExtremePoints
    max_in_interval: ExtremePoints
    out_of_stock_percentage_30: tuple[int, ...]
    out_of_stock_percentage_90: tuple[int, ...]
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
    last_offers_update: datetime | None
    buy_box_stats: tuple[BuyBoxShare, ...]

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


def _is_int(value: Any) -> bool:
    return type(value) is int or (isinstance(value, int) and not isinstance(value, bool))


_NO_VALUES = (-1,) * CSV_LENGTH
_NO_EXTREMES = (None,) * CSV_LENGTH


def _ints(values: Any) -> tuple[int, ...]:
    items = (values or [])[:CSV_LENGTH]
    # Keepa sends plain ints: one C-level pass over the types settles that, instead of a check per entry.
    if countOf(map(type, items), int) != len(items):
        items = [v if _is_int(v) else -1 for v in items]
    return tuple(items) + _NO_VALUES[len(items):]


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

    def __getitem__(self, index: int | slice) -> Extreme | None | tuple[Extreme | None, ...]:
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
    seller = raw.get("buyBoxSellerId")
    return KeepaStats(
        current=_ints(raw.get("current")),
        avg=_ints(raw.get("avg")),
        avg30=_ints(raw.get("avg30")),
        avg90=_ints(raw.get("avg90")),
        avg180=_ints(raw.get("avg180")),
        avg365=_ints(raw.get("avg365")),
        at_interval_start=_ints(raw.get("atIntervalStart")),
        min=ExtremePoints(raw.get("min")),
        max=ExtremePoints(raw.get("max")),
        min_in_interval=ExtremePoints(raw.get("minInInterval")),
        max_in_interval=ExtremePoints(raw.get("maxInInterval")),
        out_of_stock_percentage_30=_ints(raw.get("outOfStockPercentage30")),
        out_of_stock_percentage_90=_ints(raw.get("outOfStockPercentage90")),
        sales_rank_drops_30=_count(raw.get("salesRankDrops30")),
        sales_rank_drops_90=_count(raw.get("salesRankDrops90")),
        sales_rank_drops_180=_count(raw.get("salesRankDrops180")),
        sales_rank_drops_365=_count(raw.get("salesRankDrops365")),
        total_offer_count=_count(raw.get("totalOfferCount")),
        offer_count_fba=_count(raw.get("offerCountFBA")),
        offer_count_fbm=_count(raw.get("offerCountFBM")),
        retrieved_offer_count=_count(raw.get("retrievedOfferCount")),
        buy_box_price=cents_to_decimal(raw.get("buyBoxPrice")),
        buy_box_shipping=cents_to_decimal(raw.get("buyBoxShipping")),
        buy_box_seller_id=seller if isinstance(seller, str) and seller not in ("-1", "-2") else None,
        buy_box_is_amazon=_flag(raw.get("buyBoxIsAmazon")),
        buy_box_is_fba=_flag(raw.get("buyBoxIsFBA")),
        buy_box_is_used=_flag(raw.get("buyBoxIsUsed")),
        buy_box_used_price=cents_to_decimal(raw.get("buyBoxUsedPrice")),
        last_offers_update=keepa_minutes_to_datetime(raw.get("lastOffersUpdate")),
        buy_box_stats=_buy_box_stats(raw.get("buyBoxStats")),
    )

