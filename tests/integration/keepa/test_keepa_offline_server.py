"""The offline Keepa server speaks Keepa's wire format: determinism, fixtures, consistency, errors, costs."""

from __future__ import annotations

import gzip
import json
import time
from collections.abc import Iterator
from importlib import resources
from typing import Any

import httpx
import pytest

from arbvault.identifiers import isbn10_to_isbn13, isbn13_check_digit, isbn13_to_isbn10
from arbvault.keepa.client import DEFAULT_TIMEOUT
from arbvault.keepa.csv_types import CsvType
from infra.keepa_offline import OfflineKeepa, is_unknown
from infra.keepa_offline.catalogue import asin_for_979, isbn13_for_b0
from keepa_testing import CLOCK, MakeKeepa, book_asins, book_isbns

KEY = {"key": "test-key"}


@pytest.fixture
def http(offline_keepa: OfflineKeepa) -> Iterator[httpx.Client]:
    # The project's Keepa timeout: a process's first finder or best-seller request builds the pool (seconds).
    with httpx.Client(base_url=offline_keepa.base_url, headers={"Accept-Encoding": "identity"},
                      timeout=DEFAULT_TIMEOUT) as client:
        yield client


def _products(http: httpx.Client, **params: Any) -> list[dict[str, Any]]:
    response = http.get("/product", params={**KEY, "domain": 1, **params})
    assert response.status_code == 200, response.text
    return response.json().get("products", [])


def _fixture(name: str) -> dict[str, Any]:
    data = json.loads((resources.files("infra.keepa_offline") / "fixtures" / name).read_text(encoding="utf-8"))
    return data["products"][0] if "products" in data else data


# ---------------------------------------------------------------------------------------------- determinism
def test_same_identifier_gives_the_same_product(http: httpx.Client, make_keepa: MakeKeepa) -> None:
    asin = book_asins(1, start=40)[0]
    first = http.get("/product", params={**KEY, "domain": 1, "asin": asin, "stats": 90, "offers": 20})
    second = http.get("/product", params={**KEY, "domain": 1, "asin": asin, "stats": 90, "offers": 20})
    other = make_keepa()  # another server, same clock: a fresh catalogue generates the book again
    with httpx.Client(base_url=other.base_url) as client:
        third = client.get("/product", params={**KEY, "domain": 1, "asin": asin, "stats": 90, "offers": 20})

    def products_part(body: bytes) -> bytes:
        return body[body.index(b'"products":'):]

    assert products_part(first.content) == products_part(second.content) == products_part(third.content)


def test_asin_and_isbn13_give_the_same_book(http: httpx.Client) -> None:
    asin = book_asins(1, start=41)[0]
    by_asin = _products(http, asin=asin, stats=90)
    by_code = _products(http, code=isbn10_to_isbn13(asin), stats=90)
    assert by_asin == by_code and by_asin[0]["asin"] == asin and by_asin[0]["eanList"] == [isbn10_to_isbn13(asin)]


def test_979_isbn_maps_to_a_reversible_b0_asin(http: httpx.Client) -> None:
    isbn = "9791090636071"
    asin = asin_for_979(isbn)
    assert asin.startswith("B0") and len(asin) == 10 and isbn13_for_b0(asin) == isbn
    assert _products(http, code=isbn) == _products(http, asin=asin)


def test_plain_asin_gives_a_book_without_isbn(http: httpx.Client) -> None:
    [product] = _products(http, asin="B00FLIJJSA")
    assert product["asin"] == "B00FLIJJSA" and product["eanList"] is None and product["title"]


# ---------------------------------------------------------------------------------------------- unknown rule
def test_unknown_rule_covers_about_one_in_twenty() -> None:
    sample = [f"978{n:09d}" for n in range(4000)]
    sample = [s[:12] + isbn13_check_digit(s[:12]) for s in sample]
    rate = sum(is_unknown(s) for s in sample) / len(sample)
    assert 0.03 < rate < 0.07
    # an ISBN-10 and its ISBN-13 share one verdict
    assert all(is_unknown(isbn13_to_isbn10(s) or "") == is_unknown(s) for s in sample[:500])


@pytest.mark.parametrize("identifier", ["1739104269", "9781739104269", "1639584722", "0972351868"])
def test_fixtures_are_never_unknown(identifier: str) -> None:
    assert not is_unknown(identifier)


@pytest.mark.parametrize("malformed", ["1739104268", "9781739104268", "not-an-id"])
def test_malformed_identifiers_are_unknown(malformed: str) -> None:
    assert is_unknown(malformed)


def test_unknown_asin_is_a_paid_placeholder_and_unknown_code_is_absent(http: httpx.Client) -> None:
    asin, isbn = book_asins(1, known=False)[0], book_isbns(1, known=False, start=77)[0]
    response = http.get("/product", params={**KEY, "domain": 1, "asin": asin})
    [placeholder] = response.json()["products"]
    assert (placeholder["asin"], placeholder["productType"], placeholder["title"], placeholder["csv"]) == (
        asin, 4, None, None)
    assert response.json()["tokensConsumed"] == 1
    response = http.get("/product", params={**KEY, "domain": 1, "code": isbn})
    assert "products" not in response.json() and response.json()["tokensConsumed"] == 0
    response = http.get("/product", params={**KEY, "domain": 1, "asin": asin, "update": -1})
    assert "products" not in response.json() and response.json()["tokensConsumed"] == 0


# ---------------------------------------------------------------------------------------------- fixtures
@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("product-response-1739104269.json", {"asin": "1739104269", "stats": 90, "offers": 20, "rating": 1}),
        ("product-1639584722.json", {"asin": "1639584722", "stats": 90, "rating": 1}),
        ("product-0972351868.json", {"code": "9780972351867", "stats": 90, "rating": 1}),
    ],
)
def test_fixtures_are_served_exactly_with_stats_recomputed_from_csv(http: httpx.Client, name: str,
                                                                     params: dict[str, Any]) -> None:
    [product] = _products(http, **params)
    assert product == _fixture(name)


def test_fixture_envelope_costs(http: httpx.Client) -> None:
    body = http.get("/product", params={**KEY, "domain": 1, "asin": "1739104269", "stats": 90, "offers": 20}).json()
    assert body["tokensConsumed"] == 6  # nine live offers: one page


def test_without_offers_the_offer_blocks_are_absent(http: httpx.Client) -> None:
    [product] = _products(http, asin="1739104269", stats=90)
    assert "offers" not in product and product["liveOffersOrder"] is None and product["buyBoxSellerIdHistory"] is None
    assert product["csv"][CsvType.BUY_BOX_SHIPPING] is None and product["csv"][CsvType.RATING] is None
    assert product["csv"][CsvType.NEW] is not None and product["stats"]["buyBoxPrice"] == -2
    assert product["offersSuccessful"] is False


def test_buybox_adds_buy_box_history_and_stats(http: httpx.Client) -> None:
    response = http.get("/product", params={**KEY, "domain": 1, "asin": "1739104269", "stats": 90, "buybox": 1})
    [product] = response.json()["products"]
    assert product["csv"][CsvType.BUY_BOX_SHIPPING][-3:] == [8044440, 1499, 0]
    assert product["buyBoxSellerIdHistory"][-1] == "ATVPDKIKX0DER" and "offers" not in product
    assert (product["stats"]["buyBoxPrice"], product["stats"]["buyBoxIsAmazon"]) == (1499, True)
    assert response.json()["tokensConsumed"] == 3


def test_history_zero_drops_histories_but_keeps_stats(http: httpx.Client) -> None:
    [product] = _products(http, asin="1639584722", stats=90, history=0)
    assert product["csv"] is None and product["salesRanks"] is None
    assert product["stats"]["current"][CsvType.SALES] == 61250


def test_days_trims_histories(http: httpx.Client) -> None:
    cutoff = 8_107_200 - 30 * 1440
    [product] = _products(http, asin="1739104269", offers=20, days=30)
    for index, series in enumerate(product["csv"]):
        if series:
            times = series[::CsvType(index).step]
            assert all(t >= cutoff for t in times[1:])  # the oldest kept point may pre-date the window
    assert all(o["lastSeen"] >= cutoff for o in product["offers"])
    assert len(product["offers"]) == 9 and sorted(product["liveOffersOrder"]) == list(range(9))


def test_only_live_offers_drops_historical_ones(http: httpx.Client) -> None:
    [product] = _products(http, asin="1739104269", offers=20, **{"only-live-offers": 1})
    assert [o["offerId"] for o in product["offers"]] == list(range(9))


def test_stats_interval_form(http: httpx.Client) -> None:
    [product] = _products(http, asin="1639584722", stats="2026-03-03,2026-06-01")
    assert product["stats"]["avg"][CsvType.NEW] == _fixture("product-1639584722.json")["stats"]["avg90"][1]


# ---------------------------------------------------------------------------------------------- consistency
def _landed(offer: dict[str, Any]) -> int:
    return offer["offerCSV"][-2] + max(offer["offerCSV"][-1], 0)


def test_generated_books_are_internally_consistent(http: httpx.Client) -> None:
    products = _products(http, code=",".join(book_isbns(60, start=5000)), stats=90, offers=20)
    assert len(products) == 60
    for product in products:
        csv, stats = product["csv"], product["stats"]
        assert len(csv) == 36
        live = [product["offers"][i] for i in product["liveOffersOrder"]]
        new = [o for o in live if o["condition"] == 1]
        used = [o for o in live if 2 <= o["condition"] <= 5]
        assert stats["current"][CsvType.NEW] == (min(map(_landed, new)) if new else -1)
        assert stats["current"][CsvType.USED] == (min(map(_landed, used)) if used else -1)
        assert stats["current"][CsvType.COUNT_NEW] == len(new)
        assert stats["current"][CsvType.COUNT_USED] == len(used)
        amazon = [o for o in new if o["isAmazon"]]
        assert stats["current"][CsvType.AMAZON] == (_landed(amazon[0]) if amazon else -1)
        assert product["availabilityAmazon"] == (0 if amazon else -1)
        fba = [o for o in new if o["isFBA"]]
        winner = amazon[0] if amazon else (min(fba, key=_landed) if fba else (min(new, key=_landed) if new else None))
        assert stats["buyBoxSellerId"] == (winner["sellerId"] if winner else None)
        assert stats["buyBoxPrice"] == (winner["offerCSV"][-2] if winner else -1)
        assert stats["current"][CsvType.SALES] == product["salesRanks"]["283155"][-1] > 0
        assert stats["totalOfferCount"] == len(live)
        for index, series in enumerate(csv):
            if series:
                times = series[::CsvType(index).step]
                assert times == sorted(times) and times[-1] <= product["lastUpdate"]
        assert product["categoryTree"][0] == {"catId": 283155, "name": "Books"}
        assert product["packageWeight"] > 0 and product["lastUpdate"] < CLOCK


# ---------------------------------------------------------------------------------------------- protocol
@pytest.mark.parametrize(
    ("path", "params", "status", "error_type"),
    [
        ("/product", {"domain": 1, "asin": "1739104269"}, 400, "invalidKey"),
        ("/product", {**KEY, "domain": 7, "asin": "1739104269"}, 400, "invalidParameter"),
        ("/product", {**KEY, "asin": "1739104269"}, 400, "invalidParameter"),
        ("/product", {**KEY, "domain": 1, "asin": "1739104269", "code": "9781739104269"}, 400, "invalidParameter"),
        ("/product", {**KEY, "domain": 1}, 400, "invalidParameter"),
        ("/product", {**KEY, "domain": 1, "asin": ",".join(["1739104269"] * 101)}, 400, "invalidParameter"),
        ("/product", {**KEY, "domain": 1, "asin": "1739104269", "offers": 10}, 400, "invalidParameter"),
        ("/product", {**KEY, "domain": 1, "asin": "1739104269", "stats": "soon"}, 400, "invalidParameter"),
        ("/product", {**KEY, "domain": 1, "asin": "1739104269", "history": 2}, 400, "invalidParameter"),
        ("/query", {**KEY, "domain": 1, "selection": "{not json"}, 400, "invalidParameter"),
        ("/query", {**KEY, "domain": 1, "selection": '{"page": 0}'}, 400, "invalidParameter"),
        ("/query", {**KEY, "domain": 1, "selection": '{"current_SALES_lte": 5, "perPage": 10}'}, 400,
         "invalidParameter"),
        ("/query", {**KEY, "domain": 1, "selection": '{"hasParentASIN": true}'}, 400, "invalidParameter"),
        ("/bestsellers", {**KEY, "domain": 1}, 400, "invalidParameter"),
        ("/category", {**KEY, "domain": 1, "category": "x"}, 400, "invalidParameter"),
        ("/seller", {**KEY, "domain": 1}, 404, "notFound"),
    ],
)
def test_bad_requests_get_keepas_status_and_the_envelope(http: httpx.Client, path: str, params: dict[str, Any],
                                                         status: int, error_type: str) -> None:
    response = http.get(path, params=params)
    body = response.json()
    assert response.status_code == status and body["error"]["type"] == error_type and body["error"]["message"]
    assert body["tokensConsumed"] == 0 and body["refillRate"] > 0 and "tokensLeft" in body
    assert abs(body["timestamp"] - time.time() * 1000) < 60_000


def test_wrong_method_is_405(http: httpx.Client) -> None:
    response = http.post("/product", params={**KEY, "domain": 1, "asin": "1739104269"})
    assert response.status_code == 405 and response.json()["error"]["type"] == "methodNotAllowed"


def test_wrong_key_when_a_key_is_configured(make_keepa: MakeKeepa) -> None:
    keepa = make_keepa(key="only-this")
    with httpx.Client(base_url=keepa.base_url) as client:
        assert client.get("/token", params={"key": "only-this"}).status_code == 200
        response = client.get("/token", params={"key": "another"})
    assert response.status_code == 400 and response.json()["error"]["type"] == "invalidKey"


@pytest.mark.parametrize("path", ["/product", "/product/"])
def test_paths_with_and_without_trailing_slash(http: httpx.Client, path: str) -> None:
    assert http.get(path, params={**KEY, "domain": 1, "asin": "1739104269"}).status_code == 200


@pytest.mark.parametrize(
    ("accept", "gzipped"), [("gzip", True), ("zstd, gzip, deflate", True), ("identity", False), ("gzip;q=0", False)],
)
def test_gzip_when_the_client_accepts_it(offline_keepa: OfflineKeepa, accept: str, gzipped: bool) -> None:
    with httpx.Client(base_url=offline_keepa.base_url) as client:
        request = client.build_request("GET", "/token", params=KEY, headers={"Accept-Encoding": accept})
        response = client.send(request, stream=True)
        raw = response.read() if not gzipped else b"".join(response.iter_raw())
        response.close()
    assert (response.headers.get("content-encoding") == "gzip") is gzipped
    body = json.loads(gzip.decompress(raw) if gzipped else raw)
    assert body["tokensConsumed"] == 0


@pytest.mark.parametrize(
    ("path", "params", "cost"),
    [
        ("/token", {}, 0),
        ("/product", {"domain": 1, "asin": "1739104269,1639584722"}, 2),
        ("/product", {"domain": 1, "asin": "1739104269", "offers": 20}, 6),
        ("/product", {"domain": 1, "asin": "1639584722", "buybox": 1}, 3),
        ("/product", {"domain": 1, "code": "9781739104269,9781639584727", "update": 0}, 4),  # data < 1 h old: +1
        ("/query", {"domain": 1, "selection": '{"current_SALES_lte": 100000}'}, 11),
        ("/bestsellers", {"domain": 1, "category": 283155}, 50),
        ("/bestsellers", {"domain": 1, "category": 123}, 0),
        ("/category", {"domain": 1, "category": "283155,25", "parents": 1}, 1),
    ],
)
def test_token_costs(make_keepa: MakeKeepa, path: str, params: dict[str, Any], cost: int) -> None:
    keepa = make_keepa(tokens=1000)
    with httpx.Client(base_url=keepa.base_url, timeout=DEFAULT_TIMEOUT) as client:
        body = client.get(path, params={**KEY, **params}).json()
    assert body["tokensConsumed"] == cost and body["tokensLeft"] == 1000 - cost == keepa.bucket.peek().tokens_left


def test_post_query_takes_the_selection_as_body(http: httpx.Client) -> None:
    body = http.post("/query", params={**KEY, "domain": 1},
                     json={"title": "lantern", "sort": [["current_SALES", "asc"]], "perPage": 500}).json()
    assert "1739104269" in body["asinList"] and body["totalResults"] == len(body["asinList"])


def test_query_filters_and_sorts(http: httpx.Client) -> None:
    selection = {"categories_include": [75], "current_SALES_gte": 10_000, "current_SALES_lte": 2_000_000,
                 "sort": [["current_SALES", "desc"]], "perPage": 50}
    asins = http.post("/query", params={**KEY, "domain": 1}, json=selection).json()["asinList"]
    products = _products(http, asin=",".join(asins), stats=90)
    ranks = [p["stats"]["current"][CsvType.SALES] for p in products]
    assert asins and ranks == sorted(ranks, reverse=True) and all(10_000 <= r <= 2_000_000 for r in ranks)
    assert all(75 in [n["catId"] for n in p["categoryTree"]] for p in products)


def test_query_availability_amazon_splits_the_books_amazon_offers_from_the_others(http: httpx.Client) -> None:
    base = {"categories_include": [75], "current_SALES_gte": 1, "perPage": 500}

    def asins(**more: object) -> list[str]:
        return list(http.post("/query", params={**KEY, "domain": 1}, json={**base, **more}).json()["asinList"])

    without, offered, every = asins(availabilityAmazon=[-1]), asins(availabilityAmazon=[0]), asins()
    assert without and offered and sorted(without + offered) == sorted(every)
    for asin_list, amazon in ((without, -1), (offered, 0)):
        products = _products(http, asin=",".join(asin_list[:100]), stats=90)
        assert {p["availabilityAmazon"] for p in products} == {amazon}
        assert all((p["stats"]["current"][CsvType.AMAZON] > 0) == (amazon == 0) for p in products)


def test_429_body_and_negative_balances(make_keepa: MakeKeepa) -> None:
    keepa = make_keepa(tokens=2)
    with httpx.Client(base_url=keepa.base_url) as client:
        first = client.get("/product", params={**KEY, "domain": 1, "asin": "1739104269", "offers": 20})
        refused = client.get("/product", params={**KEY, "domain": 1, "asin": "1739104269"})
        status = client.get("/token", params=KEY)
    assert first.status_code == 200 and first.json()["tokensLeft"] == -4
    assert refused.status_code == 429 and refused.json()["tokensConsumed"] == 0 and refused.json()["tokensLeft"] == -4
    assert 0 < refused.json()["refillIn"] <= 60_000 and "products" not in refused.json()
    assert status.status_code == 200  # /token answers even when the balance is spent


@pytest.mark.perf
def test_latency_is_applied(make_keepa: MakeKeepa) -> None:
    keepa = make_keepa(latency_ms=150)
    with httpx.Client(base_url=keepa.base_url) as client:
        started = time.perf_counter()
        client.get("/token", params=KEY)
        assert time.perf_counter() - started >= 0.15
