"""Deterministic books: the same identifier always gives the same internally consistent product object.

Values come from a random generator seeded by the identifier's canonical key (the ISBN-13 for books, so an
ISBN-10 ASIN and its ISBN-13 give the same book); times are placed relative to the catalogue clock. Offers
are generated first, at price levels drawn per book (``market_for``) and repricing more often the better the
book sells (``reprice_days``), and the marketplace csv, buy boxes and counts derived from them
(``market.derive``); the sales rank drops once per sale at the rate a published rank-to-sales curve gives
(``sales``); ``stats`` are computed per request from the csv (``stats.build_stats``). So every number a client
reads agrees with the others.
"""

from __future__ import annotations

import hashlib
import math
import random
from dataclasses import dataclass
from datetime import UTC, timedelta
from typing import Any

from arbvault.keepa.time import KEEPA_EPOCH
from infra.keepa_offline.categories import BOOKS, CATEGORIES, LEAVES, path_to
from infra.keepa_offline.market import OfferPlan, derive, pairs
from infra.keepa_offline.sales import YEAR, level_at, monthly_sold_badge, rank_history
from infra.keepa_offline.stats import DAY, PRICE_INDEXES, SHIP_INDEXES

AMAZON = "ATVPDKIKX0DER"
_ADJECTIVES = ("Silent", "Copper", "Hidden", "Northern", "Practical", "Glass", "Lantern", "Winter", "Crimson",
               "Quiet", "Restless", "Applied", "Hollow", "Amber", "Distant", "Modern", "Salt", "Iron", "Paper")
_NOUNS = ("Harbor", "Orchard", "Cartographer", "Engine", "Garden", "Archive", "Meridian", "River", "Atlas",
          "Lighthouse", "Theory", "Kitchen", "Frontier", "Method", "Voyage", "Ledger", "Observatory", "Bridge")
_SUBTITLES = ("A Novel", "A Memoir", "Principles and Practice", "An Introduction", "Second Edition",
              "A Field Guide", "Stories", "A History", "Essentials", "Workbook")
_FIRST = ("Mara", "Idris", "Agnes", "Tomas", "Lena", "Priya", "Oskar", "June", "Felix", "Noor", "Hana", "Rafael",
          "Ines", "Callum", "Yara", "Milo", "Sanna", "Dev")
_LAST = ("Ellison", "Okonkwo", "Tollemache", "Varga", "Lindqvist", "Achterberg", "Moreau", "Castellan",
         "Whitcombe", "Nakamura", "Ferreira", "Halloran", "Brandt", "Oyelaran", "Sorensen", "Quill")
_PUBLISHERS = ("Halcyon Street Press", "Meridian Technical Books", "Brambleford Paperbacks", "Northgate House",
               "Copperleaf Editions", "Tideline Academic", "Foxglove & Reed")
RANK_LOG10_MIN, RANK_LOG10_MAX = 2.9, 6.8
"""Generated sales ranks: log10 normal (mean 5.4, textbooks 5.2; sd 0.85) clipped to about 800 - 6,300,000."""
_SUBCATEGORY_POINTS = 60
_SELLER_CHARS = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"
SHIPPING = 399
"""A merchant-fulfilled book's shipping charge."""
_USED_CONDITIONS = (2, 3, 3, 4, 4, 4, 5)
_USED_FACTOR = {2: 1.15, 3: 1.05, 4: 1.0, 5: 0.85}
_USED_CAP = 0.95
"""A like-new FBA copy's price at most, as a share of the new level; the other conditions in proportion."""
_PREMIUM_POPULARITY = 0.25
"""Books less popular than this (rank about 560,000 and worse) sell too rarely to hold an FBA used premium."""
TEXTBOOK_SHARE = 0.6
"""Books in a textbook subject that are course books; the rest are trade books on the subject."""
REPRICE_DAYS_SLOW, REPRICE_DAYS_POPULAR = 45.0, 2.0
"""Mean days between a third-party offer's repricings at popularity 0 and 1 (geometric in between)."""
USED_REPRICE_SLOWER = 30.0
"""Used offers reprice this many times less often than new ones (no Buy Box race among most of them)."""
AMAZON_REPRICE_DAYS = 14.0
"""Amazon reprices its own offer a few times a month."""
REPRICINGS_CAP_SLOW, REPRICINGS_CAP_POPULAR = 8, 48
"""Repricings of one offer at most at popularity 0 and 1 (quadratic in between): generating a book costs about
its number of marketplace events, so the cap spends them on the best sellers."""
_COMMENTS = {2: "Like new, unread copy.", 3: "Light shelf wear; clean pages.", 4: "Good: minor wear, no markings.",
             5: "Acceptable: heavy wear, all pages intact."}


def seed_for(key: str) -> int:
    """The random seed of a canonical key."""
    return int.from_bytes(hashlib.sha256(f"arbvault-offline-book:{key}".encode()).digest()[:8], "big")


def _seller(rng: random.Random) -> str:
    """A merchant id: "A" and 12 or 13 characters (one draw of random bits, read in base 34)."""
    n = rng.getrandbits(72)
    length, n = 12 + (n & 1), n >> 1
    chars = []
    for _ in range(length):
        n, r = divmod(n, len(_SELLER_CHARS))
        chars.append(_SELLER_CHARS[r])
    return "A" + "".join(chars)


def reprice_days(popularity: float) -> float:
    """Mean days between a third-party offer's repricings: every few weeks for a book that hardly sells, every
    couple of days (repricers chasing the lowest price) for a best seller."""
    return REPRICE_DAYS_SLOW * (REPRICE_DAYS_POPULAR / REPRICE_DAYS_SLOW) ** popularity


def reprice_cap(popularity: float) -> int:
    """The most repricings one offer of a book this popular gets."""
    return round(REPRICINGS_CAP_SLOW + (REPRICINGS_CAP_POPULAR - REPRICINGS_CAP_SLOW) * popularity ** 2)


def _price_history(rng: random.Random, first: int, last: int, base: int, shipping: int, every_days: float,
                   cap: int) -> list[tuple[int, int, int]]:
    """Prices around ``base`` from ``first``, changing about every ``every_days`` (at most ``cap`` times) until a
    day before ``last``; the last one is the current price."""
    width = max(0, last - DAY - first)
    changes = min(cap, int(width / (every_days * DAY) * (0.5 + rng.random())))
    history: list[tuple[int, int, int]] = []
    for t in sorted({first} | {first + int(rng.random() * width) for _ in range(changes)}):
        price = max(99, int(base * (0.93 + rng.random() * 0.14)) // 10 * 10 + 9)
        if not history or price != history[-1][1]:
            history.append((t, price, shipping))
    return history


@dataclass(frozen=True, slots=True)
class Market:
    """A book's price levels in cents (see ``market_for``)."""

    new: int
    """What new copies sell for: Amazon's price when it sells the book, the FBA sellers' level otherwise."""
    used_floor: int
    """The cheapest merchant-fulfilled used copy's item price (shipping 3.99 on top)."""
    used_fba_markup: float
    """FBA used copies over the cheapest used landed price (Prime, and the used Buy Box's premium)."""
    popularity: float
    """0 (rank 3,000,000 and worse) to 1 (rank 3,000 and better): how many sellers list the book."""
    used_fba_cap: int
    """The most a used FBA copy in like-new condition is priced at: under the new copies it competes with."""


def market_for(rng: random.Random, *, list_price: int, rank: int, textbook: bool, in_print: bool,
               amazon: bool) -> Market:
    """Price levels: new near list price; used from near-penny (plentiful novels) to half of new (textbooks).

    FBA used copies cost more than the merchant-fulfilled floor (Prime, and the used Buy Box goes to them). Where
    Amazon sells the book new its Prime price bounds that premium; where it does not and the book sells, a used
    FBA copy is the cheapest Prime copy, and merchant-fulfilled copies sit a quarter to two thirds under it.
    Either way a used copy is priced under the new ones."""
    popularity = min(1.0, max(0.0, (6.5 - math.log10(rank)) / 3.0))
    new = int(list_price * ((0.72 + rng.random() * 0.23) if in_print else (1.0 + rng.random() * 0.8)))
    if textbook:
        floor = new * (0.25 + rng.random() * 0.35)
    else:
        # plentiful popular titles sell used for pennies; scarce ones hold more of their value
        floor = new * rng.random() ** 1.5 * (0.5 - 0.35 * popularity)
    draw = rng.random()
    if amazon or popularity < _PREMIUM_POPULARITY:
        markup = 1.0 + draw ** 1.5 * (0.55 if textbook else 2.2)
    else:
        markup = (1.4 + draw * 1.3) if textbook else (1.3 + draw * 2.4)
    return Market(new, max(1, int(floor)), markup, popularity, int(new * _USED_CAP))


def _offers(rng: random.Random, reprices: random.Random, market: Market, *, amazon: bool, in_print: bool,
            t_track: int, last_update: int) -> list[OfferPlan]:
    """Amazon's offer (when it sells the book), new offers near ``market.new`` (none or few, dear, when out of
    print), and used ones from the merchant-fulfilled floor up, FBA copies at the book's markup. Their price
    histories are drawn from ``reprices``."""
    offers: list[OfferPlan] = []
    span = last_update - t_track
    every_days, cap = reprice_days(market.popularity), reprice_cap(market.popularity)

    def window(live: bool) -> tuple[int, int]:
        first = t_track + int(span * rng.random() * 0.8)
        last = last_update if live else min(last_update - 2 * DAY, first + rng.randint(20, 400) * DAY)
        return first, max(first, last)

    def add(condition: int, fba: bool, base: int, live: bool, comment: str | None = None) -> None:
        first, last = window(live)
        offers.append(OfferPlan(len(offers), _seller(rng), condition, fba, False,
                                _price_history(reprices, first, last, base, 0 if fba else SHIPPING,
                                               every_days * (1.0 if condition == 1 else USED_REPRICE_SLOWER), cap),
                                first, last, comment))

    if amazon:
        first, last = t_track, last_update
        history = _price_history(reprices, first, last, market.new, 0, AMAZON_REPRICE_DAYS, cap)
        plan = OfferPlan(0, AMAZON, 1, True, True, history, first, last)
        if rng.random() < 0.3:
            gap_start = last_update - rng.randint(20, 120) * DAY
            plan.gaps.append((gap_start, gap_start + rng.randint(3, 15) * DAY))
        offers.append(plan)
    new_sellers = round(market.popularity * 5 + rng.random() * 2) if in_print else rng.choice((0, 0, 0, 1, 2))
    for _ in range(new_sellers):
        fba = rng.random() < 0.5
        if not in_print:
            base = int(market.new * (1.0 + rng.random() * 0.6))
        elif fba:
            base = int(market.new * (0.97 + rng.random() * 0.25))
        else:
            base = int(market.new * (0.75 + rng.random() * 0.3))
        add(1, fba, base, rng.random() > 0.15)
    used_sellers = max(0, round(market.popularity * 9 + rng.random() * 3 - 0.6))
    cheapest_landed = market.used_floor + SHIPPING
    for k in range(used_sellers):
        condition = rng.choice(_USED_CONDITIONS)
        fba = k > 0 and rng.random() < 0.35  # the first used copy is the merchant-fulfilled floor
        if fba:
            factor = _USED_FACTOR[condition]
            base = int(min(cheapest_landed * market.used_fba_markup * factor * (1.0 + rng.random() * 0.25),
                           market.used_fba_cap * factor / _USED_FACTOR[2]))
        else:
            base = int(market.used_floor * (1.0 + (rng.random() * 0.8 if k else 0.0)) * _USED_FACTOR[condition])
        add(condition, fba, base, k == 0 or rng.random() > 0.2, _COMMENTS[condition])
    return offers


def _title(rng: random.Random) -> str:
    title = f"The {rng.choice(_ADJECTIVES)} {rng.choice(_NOUNS)}"
    return f"{title}: {rng.choice(_SUBTITLES)}" if rng.random() < 0.6 else title


def _package(rng: random.Random, binding: str, pages: int) -> dict[str, int]:
    if binding == "Mass Market Paperback":
        length, width, grams_per_page = 175, 106, 0.55
    elif binding == "Hardcover":
        length, width, grams_per_page = 241 + rng.randint(0, 30), 165 + rng.randint(0, 30), 1.55
    else:
        length, width, grams_per_page = 229, 152, 1.1
    height = int(pages * 0.06) + (6 if binding == "Hardcover" else 2)
    weight = int(pages * grams_per_page) + 40
    return {"packageHeight": height, "packageLength": length, "packageWidth": width, "packageWeight": weight,
            "itemHeight": length - 3, "itemLength": width - 3, "itemWidth": height - 2, "itemWeight": weight - 25}


def _subcategory_ranks(ranks: list[int], leaf: int) -> list[int]:
    """The leaf category's rank history: the main rank scaled down, sampled at most ``_SUBCATEGORY_POINTS`` times."""
    step = 2 * max(1, len(ranks) // (2 * _SUBCATEGORY_POINTS))
    points = [(ranks[i], max(1, ranks[i + 1] * 10 // (30 + leaf % 400))) for i in range(0, len(ranks), step)]
    return pairs([*points, (ranks[-2], max(1, ranks[-1] * 10 // (30 + leaf % 400)))])


def _pick_and_pack(grams: int) -> int:
    for limit, fee in ((340, 306), (454, 340), (907, 412)):
        if grams <= limit:
            return fee
    return 512


def _leaf(rng: random.Random) -> int:
    """The subject a book is filed under: the first draw of its generator."""
    return rng.choice(LEAVES)


def leaf_for(key: str) -> int:
    """The subject ``generate_book`` files ``key`` under, without generating the book."""
    return _leaf(random.Random(seed_for(key)))


def generate_book(key: str, *, asin: str, ean: str | None, clock: int) -> dict[str, Any]:
    """The full product object (every csv type, offers, buy-box histories; no ``stats``) for ``key``."""
    rng = random.Random(seed_for(key))
    leaf = _leaf(rng)
    # Whether a textbook subject's book is a course book comes from a stream of its own, so it shifts no draw here.
    textbook = CATEGORIES[leaf].textbook and random.Random(seed_for(f"course:{key}")).random() < TEXTBOOK_SHARE
    binding = (rng.choice(("Hardcover", "Hardcover", "Paperback")) if textbook else
               rng.choice(("Paperback", "Paperback", "Paperback", "Hardcover", "Hardcover", "Mass Market Paperback")))
    pages = rng.randint(180, 900) if textbook else rng.randint(96, 640)
    last_update = clock - rng.randint(10, 180)
    t_track = clock - rng.randint(300, 2500) * DAY
    t_list = t_track - rng.randint(0, 60) * DAY
    published = (KEEPA_EPOCH + timedelta(minutes=t_list)).astimezone(UTC)
    if binding == "Mass Market Paperback":
        list_price = rng.randint(7, 10) * 100 - 1
    else:
        list_price = rng.randint(40, 220) * 100 - 1 if textbook else rng.randint(12, 35) * 100 - 1
    end_rank = int(10 ** min(RANK_LOG10_MAX, max(RANK_LOG10_MIN, rng.gauss(5.2 if textbook else 5.4, 0.85))))
    year_rank = end_rank * 10 ** rng.uniform(-0.15, 0.15)
    start_rank = year_rank * 10 ** rng.uniform(-0.6, 0.6)
    in_print = rng.random() < (0.92 if end_rank < 1_000_000 else 0.65)
    amazon_share = (0.65 if end_rank < 100_000 else 0.45 if end_rank < 1_000_000 else 0.2) + 0.1 * textbook
    amazon = in_print and rng.random() < amazon_share
    market = market_for(rng, list_price=list_price, rank=end_rank, textbook=textbook, in_print=in_print,
                        amazon=amazon)
    # Price histories come from a stream of their own too, so tuning them shifts no other draw.
    reprices = random.Random(seed_for(f"reprice:{key}"))
    offers = _offers(rng, reprices, market, amazon=amazon, in_print=in_print, t_track=t_track,
                     last_update=last_update)
    events = {o.first for o in offers} | {o.last + 1 for o in offers if o.last < last_update}
    events |= {h[0] for o in offers for h in o.history} | {t for o in offers for gap in o.gaps for t in gap}
    # Keepa refreshes offers now and then even when nothing changes; a few such fetches, the latest at lastUpdate.
    events |= {t_track} | {last_update - k * 60 * DAY for k in range(5)}
    marketplace, bbh, bbu = derive(offers, sorted(t for t in events if t_track <= t <= last_update))

    csv: list[list[int] | None] = [None] * 36
    for index, values in marketplace.items():
        csv[index] = values
    ranks = rank_history(rng, t_track=t_track, t_end=last_update - rng.randint(1, 3) * 60, now=clock,
                         start_rank=start_rank, year_rank=year_rank, end_rank=end_rank)
    csv[3] = ranks
    csv[4] = [t_track, list_price]
    rating_time = t_track + rng.randint(5, 60) * DAY
    later = rating_time + rng.randint(1, (last_update - rating_time) // DAY - 1) * DAY
    csv[16] = pairs([(rating_time, rng.randint(36, 46)), (later, rng.randint(38, 49))])
    reviews = rng.randint(3, 40)
    csv[17] = [rating_time, reviews, later, reviews + rng.randint(5, 900)]

    path = path_to(leaf)
    live = [o for o in offers if o.last == last_update and o.at(last_update)]
    landed = {o.offer_id: o.history[-1][1] + max(o.history[-1][2], 0) for o in offers}
    order = ([o.offer_id for o in sorted((o for o in live if o.condition == 1), key=lambda o: landed[o.offer_id])]
             + [o.offer_id for o in sorted((o for o in live if o.condition != 1), key=lambda o: landed[o.offer_id])])
    author = f"{rng.choice(_FIRST)} {rng.choice(_LAST)}"
    package = _package(rng, binding, pages)
    product: dict[str, Any] = {
        "asin": asin, "domainId": 1, "productType": 0, "parentAsin": None, "title": _title(rng),
        "rootCategory": BOOKS, "salesRankReference": BOOKS, "productGroup": "Book", "type": "ABIS_BOOK",
        "binding": binding, "author": author, "contributors": [[author, "author"]],
        "manufacturer": rng.choice(_PUBLISHERS), "brand": None,
        "publicationDate": int(published.strftime("%Y%m%d")), "releaseDate": int(published.strftime("%Y%m%d")),
        "numberOfPages": pages, "numberOfItems": 1, "packageQuantity": 1,
        "languages": [["English", "Published"], ["English", "Original Language"]],
        "eanList": [ean] if ean else None, "upcList": None, "edition": None, "format": None,
        "images": None, "trackingSince": t_track, "listedSince": t_list, "lastUpdate": last_update,
        "lastEbayUpdate": 0, "ebayListingIds": None, "isAdultProduct": False, "isEligibleForTradeIn": False,
        "isEligibleForSuperSaverShipping": True, "referralFeePercent": 15, "referralFeePercentage": 15.0,
        "variableClosingFee": 180, "coupon": None, "promotions": None, "variations": None,
        "offers": [o.wire() for o in offers], "liveOffersOrder": order,
        "buyBoxSellerIdHistory": bbh, "buyBoxUsedHistory": bbu,
        "buyBoxEligibleOfferCounts": [sum(1 for o in live if o.condition == 1 and o.fba),
                                      sum(1 for o in live if o.condition == 1 and not o.fba),
                                      sum(1 for o in live if 2 <= o.condition <= 5 and o.fba),
                                      sum(1 for o in live if 2 <= o.condition <= 5 and not o.fba), 0, 0, 0, 0],
        "offersSuccessful": True, "isSNS": False, "isRedirectASIN": False,
        "hasReviews": True, "lastRatingUpdate": later,
        "frequentlyBoughtTogether": None, "features": None,
        "description": "<p>Generated by the offline Keepa server; not a real product.</p>",
        "categories": [leaf], "categoryTree": [{"catId": c.cat_id, "name": c.name} for c in path],
        "salesRanks": {str(BOOKS): ranks, str(leaf): _subcategory_ranks(ranks, leaf)},
        "salesRankReferenceHistory": [t_track, BOOKS],
        **package,
        "availabilityAmazon": 0 if any(o.amazon for o in live) else -1,
        "fbaFees": {"lastUpdate": last_update - rng.randint(1, 9) * DAY,
                    "pickAndPackFee": _pick_and_pack(package["packageWeight"])},
        "csv": csv,
    }
    sold = monthly_sold_badge(end_rank)
    if sold is not None:
        product["monthlySold"] = sold
        product["lastSoldUpdate"] = last_update - rng.randint(60, 1440)
        history = []
        for days in (200, 70, 12):
            level = level_at(clock - days * DAY, t0=clock - YEAR, t1=last_update, rank0=year_rank, rank1=end_rank)
            history.append((clock - days * DAY, monthly_sold_badge(level) or 0))
        product["monthlySoldHistory"] = pairs([*history, (last_update, sold)])
    product["lastPriceChange"] = max(
        (series[-3] if i in SHIP_INDEXES else series[-2]) for i in PRICE_INDEXES if (series := csv[i]))
    return product
