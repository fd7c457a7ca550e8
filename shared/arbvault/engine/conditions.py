"""The conditions a copy can be bought in, as the rules and the routes name them."""

from __future__ import annotations

from typing import Final, Literal, get_args

BuyCondition = Literal["new", "used_like_new", "used_very_good", "used_good", "used_acceptable"]
BUY_CONDITIONS: Final[tuple[str, ...]] = get_args(BuyCondition)
