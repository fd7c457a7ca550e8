"""The response fields every view's product shares: which product, the prices its profit comes from, the Amazon
flags and the data's age, as the engine's analysis gives them."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field

from arbvault.web.schema_types import DecimalNumber

if TYPE_CHECKING:
    from arbvault.views.products import AnalysedProduct


class AnalysedProductOut(BaseModel):
    """A view's product, before the view's own scores and signals."""

    identifier: str
    asin: str
    title: str | None
    bsr: int | None
    strategy: str
    sell_price: DecimalNumber | None
    sell_price_source: str | None
    buy_price: DecimalNumber | None
    buy_price_source: str | None
    buy_condition: str = Field(description="condition of the copy bought, which the sell price is for")
    net_profit: DecimalNumber | None
    roi_pct: DecimalNumber | None
    amazon_on_listing: bool
    amazon_owns_buy_box: bool
    data_fetched_at: datetime

    @staticmethod
    def analysed_fields(analysed: AnalysedProduct) -> dict[str, Any]:
        """This model's fields of ``analysed``, for a subclass's constructor."""
        a = analysed.analysis
        return {"identifier": analysed.item.identifier.value, "asin": a.asin, "title": a.title, "bsr": a.bsr,
                "strategy": a.strategy, "sell_price": a.sell_price, "sell_price_source": a.sell_price_source,
                "buy_price": a.buy_price, "buy_price_source": a.buy_price_source, "buy_condition": a.buy_condition,
                "net_profit": a.profit.net_profit if a.profit else None,
                "roi_pct": a.profit.roi_pct if a.profit else None, "amazon_on_listing": a.amazon_on_listing,
                "amazon_owns_buy_box": a.amazon_owns_buy_box, "data_fetched_at": analysed.item.fetched_at}
