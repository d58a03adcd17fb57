"""The imported catalogue in memory, with name indexes for what fans type.

Dramas, people and credits change only on import, so they are loaded once and refreshed
after each import; every lookup and autocomplete is then answered without SQL, by key (a
dict), never by scanning the catalogue. Each import that changes something bumps the
catalogue's generation in the store, so the periodic refresh (which notices a ``fanbot
import`` run beside the bot) reads one row when nothing changed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from bot.domain.models import Credit, Drama, Episode, Person
from bot.domain.names import NameIndex, NameMatch
from bot.store import Store

K = TypeVar("K")
V = TypeVar("V")


def _grouped(items: Sequence[V], key: Callable[[V], K]) -> dict[K, tuple[V, ...]]:
    groups: dict[K, list[V]] = {}
    for item in items:
        groups.setdefault(key(item), []).append(item)
    return {k: tuple(v) for k, v in groups.items()}


@dataclass(frozen=True)
class CatalogueSnapshot:
    """One consistent view of the catalogue; replaced whole on refresh."""

    dramas: tuple[Drama, ...] = ()
    episodes: tuple[Episode, ...] = ()
    people: tuple[Person, ...] = ()
    credits: tuple[Credit, ...] = ()
    drama_names: NameIndex = field(default_factory=lambda: NameIndex([]))
    person_names: NameIndex = field(default_factory=lambda: NameIndex([]))
    character_names: NameIndex = field(default_factory=lambda: NameIndex([]))
    # Indexes by key, built with the snapshot and never changed after.
    by_slug: Mapping[str, Drama] = field(default_factory=dict, repr=False)
    people_by_id: Mapping[str, Person] = field(default_factory=dict, repr=False)
    episodes_by_slug: Mapping[str, tuple[Episode, ...]] = field(default_factory=dict, repr=False)
    credits_by_slug: Mapping[str, tuple[Credit, ...]] = field(default_factory=dict, repr=False)
    credits_by_person: Mapping[str, tuple[Credit, ...]] = field(default_factory=dict, repr=False)
    credits_by_key: Mapping[str, Credit] = field(default_factory=dict, repr=False)

    @classmethod
    def build(
        cls,
        dramas: Sequence[Drama],
        episodes: Sequence[Episode],
        people: Sequence[Person],
        credits: Sequence[Credit],
    ) -> CatalogueSnapshot:
        characters = [
            (credit_key(c), (c.character, *c.character_aliases)) for c in credits if c.character
        ]
        return cls(
            dramas=tuple(dramas),
            episodes=tuple(episodes),
            people=tuple(people),
            credits=tuple(credits),
            drama_names=NameIndex((d.slug, d.names) for d in dramas),
            person_names=NameIndex((p.id, p.names) for p in people),
            character_names=NameIndex(characters),
            by_slug={d.slug: d for d in dramas},
            people_by_id={p.id: p for p in people},
            episodes_by_slug=_grouped(episodes, lambda e: e.drama_slug),
            credits_by_slug=_grouped(credits, lambda c: c.drama_slug),
            credits_by_person=_grouped(credits, lambda c: c.person_id),
            credits_by_key={credit_key(c): c for c in credits},
        )

    def drama(self, slug: str) -> Drama | None:
        return self.by_slug.get(slug)

    def title_of(self, slug: str) -> str:
        """The drama's title, or its slug when it is no longer known."""
        drama = self.drama(slug)
        return drama.title if drama else slug

    def person(self, person_id: str) -> Person | None:
        return self.people_by_id.get(person_id)

    def episodes_of(self, slug: str) -> list[Episode]:
        return list(self.episodes_by_slug.get(slug, ()))

    def credits_of(self, slug: str) -> list[Credit]:
        return list(self.credits_by_slug.get(slug, ()))

    def credits_for_person(self, person_id: str) -> list[Credit]:
        return list(self.credits_by_person.get(person_id, ()))

    def credit(self, key: str) -> Credit | None:
        return self.credits_by_key.get(key)

    def find_drama(self, text: str) -> Drama | None:
        """A slug, a title or an alias, however typed; None when unknown or ambiguous."""
        exact = self.drama(text.strip())
        if exact is not None:
            return exact
        match = self.drama_names.best(text)
        return None if match is None else self.drama(match.key)

    def find_person(self, text: str) -> Person | None:
        """A person by id, their name, or a character they play."""
        exact = self.person(text.strip())
        if exact is not None:
            return exact
        matches = self.person_and_character_matches(text)
        if not matches:
            return None
        top = [m for m in matches if m.score == matches[0].score]
        people = {self.person_id_of(m) for m in top}
        return self.person(people.pop()) if len(people) == 1 else None

    def person_and_character_matches(self, text: str, limit: int = 5) -> list[NameMatch]:
        """People and characters matching ``text``, best first."""
        found = self.person_names.search(text, limit) + self.character_names.search(text, limit)
        return sorted(found, key=lambda m: -m.score)[:limit]

    def canonical_name(self, text: str) -> str | None:
        """The proper spelling of a drama, person or character typed another way."""
        drama = self.drama_names.best(text)
        if drama is not None:
            found = self.drama(drama.key)
            return found.title if found else None
        matches = self.person_and_character_matches(text, 2)
        if not matches or (len(matches) > 1 and matches[1].score == matches[0].score):
            return None
        credit = self.credit(matches[0].key)
        if credit is not None:
            return credit.character
        person = self.person(matches[0].key)
        return person.name if person else None

    def person_suggestions(self, text: str, limit: int = 3) -> list[str]:
        """Canonical names for "did you mean", people and characters alike."""
        hints = self.person_names.suggestions(text, limit) + self.character_names.suggestions(
            text, limit
        )
        names: list[str] = []
        for match in sorted(hints, key=lambda m: -m.score):
            name = self.display_name(match)
            if name not in names:
                names.append(name)
        return names[:limit]

    def person_id_of(self, match: NameMatch) -> str:
        credit = self.credit(match.key)
        return credit.person_id if credit is not None else match.key

    def display_name(self, match: NameMatch) -> str:
        """``Park Hyung-sik`` or ``Han Seon-woo (Park Hyung-sik)`` for a character."""
        credit = self.credit(match.key)
        if credit is None:
            person = self.person(match.key)
            return person.name if person else match.name
        person = self.person(credit.person_id)
        actor = person.name if person else credit.person_id
        return f"{credit.character} ({actor})"


def credit_key(credit: Credit) -> str:
    return f"{credit.drama_slug}/{credit.person_id}/{credit.character or credit.role.value}"


class Catalogue:
    """Holds the current snapshot; ``refresh`` after every import."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self.snapshot = CatalogueSnapshot()
        self._generation: int | None = None  # the store's catalogue generation it was built at
        self.rebuilds = 0

    async def refresh(self, *, force: bool = False) -> bool:
        """Rebuild the snapshot if an import changed the catalogue since the last build (or
        when forced); True when it rebuilt."""
        dramas = self._store.dramas
        generation = await dramas.catalogue_generation()
        if not force and self.rebuilds and generation == self._generation:
            return False
        self.snapshot = CatalogueSnapshot.build(
            await dramas.dramas(),
            await dramas.episodes(),
            await dramas.people(),
            await dramas.credits(),
        )
        self._generation = generation
        self.rebuilds += 1
        self._store.facts.forget_topics()  # data facts may have changed with the import
        return True
