"""Events: who did what to whom, where, when, with how many dead — coded in ACLED's and PLOVER's
vocabularies, with the trigger, the rule and the sentences as evidence.

Interface (the pipeline relies on it): :func:`code_events` over a parsed article and the other stages'
output.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from eventwire.records import Actor, Amount, Event, Place, Section, TimeRef

if TYPE_CHECKING:
    from spacy.tokens import Doc

__all__ = ["code_events"]


def code_events(doc: Doc, *, actors: Sequence[Actor] = (), places: Sequence[Place] = (),
                times: Sequence[TimeRef] = (), amounts: Sequence[Amount] = (), sections: Sequence[Section] = (),
                published: str | None = None) -> tuple[Event, ...]:
    """The events ``doc`` reports, in text order."""
    return ()
