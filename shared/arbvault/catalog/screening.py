"""Screening identifier lists: the usable identifiers (normalised, de-duplicated) and the entries that are not."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from arbvault.catalog.exceptions import InvalidIdentifiersError
from arbvault.identifiers import Identifier, InvalidIdentifierError, normalise


@dataclass(frozen=True, slots=True)
class RejectedIdentifier:
    """An entry of an identifier list that is no ASIN, ISBN-10 or ISBN-13: where it was, as sent, and why."""

    index: int
    value: str
    reason: str


@dataclass(frozen=True, slots=True)
class ScreenedIdentifiers:
    """An identifier list split into the usable ones (normalised, de-duplicated, first occurrence first) and the
    entries that are not identifiers."""

    valid: list[Identifier]
    rejected: list[RejectedIdentifier]

    def error(self, field_name: str) -> InvalidIdentifiersError:
        """The 422 naming every rejected entry by index."""
        return InvalidIdentifiersError([{"field": f"{field_name}[{r.index}]", "message": r.reason, "value": r.value}
                                        for r in self.rejected])


def screen_identifiers(values: Sequence[str], *, field_name: str = "identifiers") -> ScreenedIdentifiers:
    """Split ``values`` into usable identifiers and rejected entries (with the reason of each).

    Raises ``InvalidIdentifiersError`` (422, every entry named by index) when there are entries and none is usable.
    """
    parsed: list[Identifier] = []
    rejected: list[RejectedIdentifier] = []
    for index, raw in enumerate(values):
        try:
            parsed.append(normalise(raw, field=f"{field_name}[{index}]"))
        except InvalidIdentifierError as exc:
            rejected.append(RejectedIdentifier(index, exc.value, exc.message))
    screened = ScreenedIdentifiers(list(dict.fromkeys(parsed)), rejected)
    if rejected and not parsed:
        raise screened.error(field_name)
    return screened


def parse_identifiers(values: Sequence[str], *, field_name: str = "identifiers") -> list[Identifier]:
    """Normalised, de-duplicated identifiers; ``InvalidIdentifiersError`` naming every bad entry by index."""
    screened = screen_identifiers(values, field_name=field_name)
    if screened.rejected:
        raise screened.error(field_name)
    return screened.valid
