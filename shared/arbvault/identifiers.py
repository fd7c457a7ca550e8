"""Product identifiers: ASIN, ISBN-10 and ISBN-13 normalisation, checksum validation and conversion.

Normalising strips spaces and hyphens and upper-cases. Then:

* 13 digits -> ISBN-13: prefix 978 or 979 and a valid EAN-13 check digit;
* 10 characters, nine digits and a digit or ``X`` -> ISBN-10 with a valid mod-11 check digit
  (for print books the ISBN-10 is also the ASIN);
* 10 letters/digits with at least one letter elsewhere -> ASIN (e.g. ``B00FLIJJSA``).

Anything else raises ``InvalidIdentifierError`` naming the reason (422 in the API).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from arbvault.exceptions import InvalidInputError

IdentifierKind = Literal["asin", "isbn10", "isbn13"]

_STRIP = re.compile(r"[\s\-]+")
_ASIN = re.compile(r"[A-Z0-9]{10}")
_ISBN10 = re.compile(r"[0-9]{9}[0-9X]")
_DIGITS13 = re.compile(r"[0-9]{13}")


class InvalidIdentifierError(InvalidInputError):
    """Raised when a string is not a well-formed ASIN, ISBN-10 or ISBN-13 (or its check digit is wrong)."""

    code = "invalid_identifier"

    def __init__(self, message: str, *, value: str, field: str = "identifier") -> None:
        super().__init__(message, details=[{"field": field, "message": message, "value": value}])
        self.value = value


@dataclass(frozen=True, slots=True)
class Identifier:
    """A normalised identifier and its kind."""

    value: str
    kind: IdentifierKind

    @property
    def asin(self) -> str | None:
        """The ASIN to look the product up by: the ASIN itself, or the ISBN-10 (978 ISBN-13s convert)."""
        if self.kind == "isbn13":
            return isbn13_to_isbn10(self.value)
        return self.value

    @property
    def isbn13(self) -> str | None:
        """The ISBN-13 for ISBNs, ``None`` for plain ASINs."""
        if self.kind == "isbn13":
            return self.value
        if self.kind == "isbn10":
            return isbn10_to_isbn13(self.value)
        return None

    def __str__(self) -> str:
        return self.value


def clean(raw: str) -> str:
    """Strip whitespace and hyphens, upper-case."""
    return _STRIP.sub("", raw).upper()


def isbn10_check_digit(first9: str) -> str:
    """Check character (``0``-``9`` or ``X``) for the first nine digits of an ISBN-10."""
    total = sum((10 - i) * int(c) for i, c in enumerate(first9))
    check = (11 - total % 11) % 11
    return "X" if check == 10 else str(check)


def isbn13_check_digit(first12: str) -> str:
    """Check digit for the first twelve digits of an ISBN-13 / EAN-13 (weights 1, 3, 1, 3, ...)."""
    if not first12.isdigit():
        raise ValueError(f"{first12!r} is not all digits")
    # Summed over the ASCII codes (48 + digit) in C, then the 48s taken off: about a tenth of a per-digit loop.
    codes = first12.encode("ascii")
    odd, even = codes[0::2], codes[1::2]
    total = sum(odd) + 3 * sum(even) - 48 * (len(odd) + 3 * len(even))
    return str((10 - total % 10) % 10)


def is_valid_isbn10(value: str) -> bool:
    """Nine digits plus a correct check character (after normalising)."""
    value = clean(value)
    return bool(_ISBN10.fullmatch(value)) and isbn10_check_digit(value[:9]) == value[9]


def is_valid_isbn13(value: str) -> bool:
    """Thirteen digits, a 978/979 prefix and a correct check digit (after normalising)."""
    if not (type(value) is str and len(value) == 13 and value.isascii() and value.isdigit()):  # clean: no regexes
        value = clean(value)
        if not _DIGITS13.fullmatch(value):
            return False
    return value[:3] in ("978", "979") and isbn13_check_digit(value[:12]) == value[12]


def isbn10_to_isbn13(isbn10: str) -> str:
    """The 978-prefixed ISBN-13 of a valid ISBN-10.

    >>> isbn10_to_isbn13("0-306-40615-2")
    '9780306406157'
    """
    value = clean(isbn10)
    if not is_valid_isbn10(value):
        raise InvalidIdentifierError(f"{isbn10!r} is not a valid ISBN-10", value=isbn10)
    first12 = "978" + value[:9]
    return first12 + isbn13_check_digit(first12)


def isbn13_to_isbn10(isbn13: str) -> str | None:
    """The ISBN-10 of a valid 978 ISBN-13; ``None`` for 979 ISBNs, which have no ISBN-10."""
    value = clean(isbn13)
    if not is_valid_isbn13(value):
        raise InvalidIdentifierError(f"{isbn13!r} is not a valid ISBN-13", value=isbn13)
    if not value.startswith("978"):
        return None
    return value[3:12] + isbn10_check_digit(value[3:12])


def normalise(raw: str, *, field: str = "identifier") -> Identifier:
    """Classify and validate ``raw``; raises ``InvalidIdentifierError`` (with ``field`` in its details)."""
    if not isinstance(raw, str):
        raise InvalidIdentifierError("identifier must be a string", value=repr(raw), field=field)
    value = clean(raw)
    if len(value) == 13:
        if not _DIGITS13.fullmatch(value):
            raise InvalidIdentifierError(f"{raw!r}: a 13-character identifier must be all digits (ISBN-13)",
                                         value=raw, field=field)
        if value[:3] not in ("978", "979"):
            raise InvalidIdentifierError(f"{raw!r}: an ISBN-13 starts with 978 or 979", value=raw, field=field)
        if isbn13_check_digit(value[:12]) != value[12]:
            raise InvalidIdentifierError(f"{raw!r}: ISBN-13 check digit is wrong", value=raw, field=field)
        return Identifier(value, "isbn13")
    if len(value) == 10:
        if _ISBN10.fullmatch(value):
            if isbn10_check_digit(value[:9]) != value[9]:
                raise InvalidIdentifierError(f"{raw!r}: ISBN-10 check digit is wrong", value=raw, field=field)
            return Identifier(value, "isbn10")
        if _ASIN.fullmatch(value):
            return Identifier(value, "asin")
        raise InvalidIdentifierError(f"{raw!r}: an ASIN has 10 letters or digits", value=raw, field=field)
    raise InvalidIdentifierError(
        f"{raw!r}: expected an ASIN or ISBN-10 (10 characters) or an ISBN-13 (13 digits), got {len(value)}",
        value=raw, field=field)


def split_by_lookup(identifiers: Iterable[Identifier]) -> tuple[list[Identifier], list[Identifier]]:
    """``(by_asin, by_code)``, each in order: Keepa finds ASINs and ISBN-10s with ``asin=`` and ISBN-13s with
    ``code=``, one request per kind."""
    by_asin: list[Identifier] = []
    by_code: list[Identifier] = []
    for identifier in identifiers:
        (by_code if identifier.kind == "isbn13" else by_asin).append(identifier)
    return by_asin, by_code


def normalise_asin(raw: str, *, field: str = "asin") -> str:
    """An ASIN (or ISBN-10, which is the ASIN of a print book) upper-cased and validated."""
    identifier = normalise(raw, field=field)
    if identifier.kind == "isbn13":
        raise InvalidIdentifierError(f"{raw!r}: expected an ASIN (10 characters), got an ISBN-13",
                                     value=raw, field=field)
    return identifier.value
