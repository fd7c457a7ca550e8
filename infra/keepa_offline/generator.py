"""Deterministic books: the same identifier always gives the same internally consistent product object.

Values come from a random generator seeded by the identifier's canonical key (the ISBN-13 for books, so an
ISBN-10 ASIN and its ISBN-13 give the same book); times are placed relative to the catalogue clock. Offers
are generated first and the marketplace csv, buy box and counts derived from them (``market.derive``),
the sales rank follows fixgen's trend-plus-sawtooth shape, and ``stats`` are computed per request from the
csv (``stats.build_stats``), so every number a client reads agrees with the others.
"""

from __future__ import annotations

import hashlib
import random
from datetime import UTC, timedelta
from typing import Any

from arbvault.keepa.time import KEEPA_EPOCH
from infra.keepa_offline.categories import BOOKS, CATEGORIES, LEAVES, path_to
from infra.keepa_offline.market import OfferPlan, derive, pairs
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
_SELLER_CHARS = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"
_USED_FACTOR = {2: 1.0, 3: 0.85, 4: 0.7, 5: 0.55}
_COMMENTS = {2: "Like new, unread copy.", 3: "Light shelf wear; clean pages.", 4: "Good: minor wear, no markings.",
             5: "Acceptable: heavy wear, all pages intact."}


def seed_for(key: str) -> int:
    """The random seed of a canonical key."""
    return int.from_bytes(hashlib.sha256(f"arbvault-offline-book:{key}".encode()).digest()[:8], "big")


def _seller(rng: random.Random) -> str:
    return "A" + "".join(rng.choice(_SELLER_CHARS) for _ in range(rng.choice((12, 13))))


def _rank_series(rng: random.Random, t0: int, t_end: int, now: int, start: int, end: int, recent: int) -> list[int]:
    """Sparse long-term trend plus ``recent`` sawtooth points (each drop is a sale) in the last 30 days."""
    out: list[tuple[int, int]] = []
    sparse = 12
    t_dense = now - 31 * DAY
    step = max((t_dense - t0) // sparse, 1)
    t = t0
    for k in range(sparse):
        base = start * (end / start) ** (k / (sparse - 1))
        rank = int(base * (0.8 if k % 3 == 0 else 1.0 + rng.random() * 0.25))
        out.append((t, max(rank, 1)))
        t += step + rng.randint(-180, 180)
    first = max(t_dense, t)
    gap = max((t_end - first) // max(recent, 1), 4)
    for k in range(recent):
        factor = 0.62 + rng.random() * 0.1 if k % 2 else 1.05 + rng.random() * 0.2
        # jitter within a quarter gap keeps the points ordered and before t_end
        out.append((first + k * gap + rng.randint(-gap // 4 if k else 0, gap // 4), max(int(end * factor), 1)))
    out.append((t_end, end))
    out.sort()
    return pairs(out)


def _price_history(rng: random.Random, first: int, last: int, base: int, shipping: int,
                   changes: int) -> list[tuple[int, int, int]]:
    times = sorted({first} | {rng.randint(first, max(first, last - DAY)) for _ in range(changes)})
    return [(t, max(99, int(base * (0.9 + rng.random() * 0.2)) // 10 * 10 + 9), shipping) for t in times]


def _offers(rng: random.Random, *, list_price: int, rank: int, textbook: bool, t_track: int,
            last_update: int) -> list[OfferPlan]:
    offers: list[OfferPlan] = []
    span = last_update - t_track

    def window(live: bool) -> tuple[int, int]:
        first = t_track + int(span * rng.random() * 0.8)
        last = last_update if live else min(last_update - 2 * DAY, first + rng.randint(20, 400) * DAY)
        return first, max(first, last)

    if rng.random() < (0.45 if textbook else 0.25) and rank < 1_500_000:
        first, last = t_track, last_update
        plan = OfferPlan(0, AMAZON, 1, True, True,
                         _price_history(rng, first, last, int(list_price * (0.72 + rng.random() * 0.2)), 0, 3),
                         first, last)
        if rng.random() < 0.3:
            gap_start = last_update - rng.randint(20, 120) * DAY
            plan.gaps.append((gap_start, gap_start + rng.randint(3, 15) * DAY))
        offers.append(plan)
    sparse = rank > 2_000_000
    for _ in range(rng.randint(0, 2 if sparse else 5)):
        fba = rng.random() < 0.55
        first, last = window(rng.random() > 0.15)
        base = int(list_price * (0.65 + rng.random() * 0.4))
        offers.append(OfferPlan(len(offers), _seller(rng), 1, fba, False,
                                _price_history(rng, first, last, base, 0 if fba else 399, rng.randint(0, 2)),
                                first, last))
    for _ in range(rng.randint(0, 3 if sparse else 7)):
        condition = rng.choice((2, 3, 3, 4, 4, 4, 5))
        fba = rng.random() < 0.35
        first, last = window(rng.random() > 0.2)
        base = int(list_price * (0.18 + rng.random() * 0.42) * _USED_FACTOR[condition])
        offers.append(OfferPlan(len(offers), _seller(rng), condition, fba, False,
                                _price_history(rng, first, last, base, 0 if fba else 399, rng.randint(0, 2)),
                                first, last, _COMMENTS[condition]))
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


def _pick_and_pack(grams: int) -> int:
    for limit, fee in ((340, 306), (454, 340), (907, 412)):
        if grams <= limit:
            return fee
    return 512


def generate_book(key: str, *, asin: str, ean: str | None, clock: int) -> dict[str, Any]:
    """The full product object (every csv type, offers, buy-box histories; no ``stats``) for ``key``."""
    rng = random.Random(seed_for(key))
    leaf = rng.choice(LEAVES)
    textbook = CATEGORIES[leaf].textbook
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
    end_rank = int(10 ** rng.uniform(3.3, 6.3) if textbook else 10 ** rng.uniform(2.7, 6.5))
    start_rank = max(1, int(end_rank * 10 ** rng.uniform(-0.7, 0.7)))
    recent = max(2, min(30, int(40 * (100_000 / end_rank) ** 0.5)))
    recent -= recent % 2

    offers = _offers(rng, list_price=list_price, rank=end_rank, textbook=textbook, t_track=t_track,
                     last_update=last_update)
    events = {o.first for o in offers} | {o.last + 1 for o in offers if o.last < last_update}
    events |= {h[0] for o in offers for h in o.history} | {t for o in offers for gap in o.gaps for t in gap}
    # Keepa refreshes offers now and then even when nothing changes; a few such fetches, the latest at lastUpdate.
    events |= {t_track} | {last_update - k * 60 * DAY for k in range(5)}
    market, bbh, bbu = derive(offers, sorted(t for t in events if t_track <= t <= last_update))

    csv: list[list[int] | None] = [None] * 36
    for index, values in market.items():
        csv[index] = values
    ranks = _rank_series(rng, t_track, last_update - rng.randint(1, 3) * 60, clock, start_rank, end_rank, recent)
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
        "salesRanks": {str(BOOKS): ranks,
                       str(leaf): pairs([(ranks[i], max(1, ranks[i + 1] * 10 // (30 + leaf % 400)))
                                         for i in range(0, len(ranks), 2)])},
        "salesRankReferenceHistory": [t_track, BOOKS],
        **package,
        "availabilityAmazon": 0 if any(o.amazon for o in live) else -1,
        "fbaFees": {"lastUpdate": last_update - rng.randint(1, 9) * DAY,
                    "pickAndPackFee": _pick_and_pack(package["packageWeight"])},
        "csv": csv,
    }
    if end_rank < 40_000:
        sold = 1000 if end_rank < 2_000 else 300 if end_rank < 10_000 else 100 if end_rank < 20_000 else 50
        product["monthlySold"] = sold
        product["lastSoldUpdate"] = last_update - rng.randint(60, 1440)
        product["monthlySoldHistory"] = pairs([(clock - 200 * DAY, sold * 2 if sold < 1000 else sold),
                                               (clock - 70 * DAY, max(50, sold // 2)), (clock - 12 * DAY, sold)])
    product["lastPriceChange"] = max(
        (series[-3] if i in SHIP_INDEXES else series[-2]) for i in PRICE_INDEXES if (series := csv[i]))
    return product
