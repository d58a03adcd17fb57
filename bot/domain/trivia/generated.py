"""Trivia questions generated from the catalogue: who plays whom, who directed, how many
episodes, when it airs, which drama a fact is about; with plausible wrong choices.

Pure domain code: no Discord, no SQL, no I/O, no module-level mutable state. The question
frames are written through a :class:`Phrasebook` (the game's language: a ``bot.i18n.Language``
fits it), so a game in an Indonesian server asks "Siapa pemeran ..."; English by default.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import time
from random import Random

from bot.domain.models import (
    Credit,
    Drama,
    Episode,
    Fact,
    FactDraft,
    Person,
    RoleKind,
)
from bot.domain.names import name_key
from bot.domain.schedule import weekly_slot
from bot.domain.trivia.decoys import (
    ACTOR_DECOYS,
    CHARACTER_DECOYS,
    DIRECTOR_DECOYS,
    DRAMA_DECOYS,
    JOB_DECOYS,
    OCCUPATIONS,
    WRITER_DECOYS,
)
from bot.domain.trivia.phrasebook import EnglishFrames, Phrasebook, SlotWriter
from bot.domain.trivia.questions import (
    Question,
    QuestionKind,
    QuestionSource,
    build_question,
    pick_wrong,
)

FACT_QUESTION_LIMIT = 5
"""Fact questions per drama: a file with 60 facts should not crowd out everything else."""

MASK = "___"
"""Replaces the drama's title in a "which drama is this fact about?" question."""

COMMON_EPISODE_COUNTS = (2, 4, 6, 8, 10, 12, 14, 16, 20, 24, 32, 50)
TIME_SHIFTS_HOURS = (-3, -2, -1, 1, 2, 3)

_RELATIVE_CLAUSE = re.compile(r"\b(?:who|whose|that|which)\b", re.IGNORECASE)
_ARTICLE = re.compile(r"^an?\s", re.IGNORECASE)
_WORD = re.compile(r"[a-z]+")


# -------------------------------------------------------------------------- generated pool


@dataclass(frozen=True)
class _Cast:
    """One character of one drama and who plays it (several people for young/adult roles)."""

    drama_slug: str
    character: str
    aliases: tuple[str, ...]
    people: tuple[Person, ...]
    description: str | None


def _cast_of(credits: Iterable[Credit], people: Mapping[str, Person]) -> list[_Cast]:
    """Group cast credits by (drama, character key), in file order."""
    grouped: dict[tuple[str, str], _Cast] = {}
    for credit in credits:
        person = people.get(credit.person_id)
        if not credit.role.is_cast or not credit.character or person is None:
            continue
        slot = (credit.drama_slug, name_key(credit.character))
        if not slot[1]:
            continue
        known = grouped.get(slot)
        if known is None:
            grouped[slot] = _Cast(
                credit.drama_slug,
                credit.character,
                credit.character_aliases,
                (person,),
                credit.description,
            )
        elif person not in known.people:
            grouped[slot] = replace(
                known,
                aliases=(*known.aliases, *credit.character_aliases),
                people=(*known.people, person),
            )
    return list(grouped.values())


def _names(people: Iterable[Person]) -> list[str]:
    return [name for person in people for name in person.names]


def occupation(description: str | None) -> str | None:
    """The character's job from a description like "A rising photographer who ...".

    Deliberately strict: the description must start with "A"/"An" and the part before the first
    relative clause must name exactly one known occupation; anything else gives None.
    """
    if not description or not _ARTICLE.match(description):
        return None
    head = _RELATIVE_CLAUSE.split(description, maxsplit=1)[0]
    words: list[str] = _WORD.findall(head.lower())
    found = list(dict.fromkeys(w for w in words if w in OCCUPATIONS))
    if len(found) != 1:
        return None
    job = found[0]
    return job.upper() if job == "ceo" else job.capitalize()


def _mask_titles(text: str, drama: Drama) -> str | None:
    """The fact with the drama's names blanked out, or None when it is unusable.

    Only facts that name the drama qualify: one that does not ("Happiness, Park Hyung-sik's
    previous drama, ...") may well be about something else. A spelling that survives masking
    (inside a longer word, say) would give the answer away, so that fact is dropped too.
    """
    masked = text
    for name in sorted(drama.names, key=len, reverse=True):
        pattern = rf"(?<!\w){re.escape(name)}(?!\w)"
        masked = re.sub(pattern, MASK, masked, flags=re.IGNORECASE)
    if MASK not in masked or MASK in text:
        return None
    masked_key = name_key(masked)
    if any(len(key) >= 3 and key in masked_key for key in map(name_key, drama.names)):
        return None
    return masked


def _slot_variants(drama: Drama, slot_text: SlotWriter) -> tuple[list[str], list[str]]:
    """Other slots in the drama's zone and format: one part changed, then both changed."""
    schedule = drama.schedule
    days = sorted(schedule.weekdays)
    day_options: list[tuple[int, ...]] = [
        tuple(d + shift for d in days)
        for shift in range(-6, 7)
        if shift and all(0 <= d + shift <= 6 for d in days)
    ]
    time_options: list[tuple[time, ...]] = []
    for hours in TIME_SHIFTS_HOURS:
        minutes = [t.hour * 60 + t.minute + hours * 60 for t in schedule.times]
        if all(0 <= m < 24 * 60 for m in minutes):
            time_options.append(tuple(time(m // 60, m % 60) for m in minutes))
    one_change = [replace(schedule, weekdays=d) for d in day_options]
    one_change += [replace(schedule, times=t) for t in time_options]
    both = [replace(schedule, weekdays=d, times=t) for d in day_options for t in time_options]
    return [slot_text(v) for v in one_change], [slot_text(v) for v in both]


def _slot_accepted(drama: Drama) -> list[str]:
    """Typed forms of the slot: without the zone, and with singular weekdays."""
    full = weekly_slot(drama.schedule)
    zoneless = full.rsplit(" ", 1)[0]
    singular = re.sub(r"days\b", "day", zoneless)
    return [zoneless, singular, re.sub(r"days\b", "day", full)]


def _nearest_counts(count: int) -> list[int]:
    """Common episode counts closest to the real one: plausible, not absurd, wrong numbers."""
    return sorted(COMMON_EPISODE_COUNTS, key=lambda n: (abs(n - count), n))[:6]


def generated_questions(
    drama: Drama,
    *,
    episodes: Sequence[Episode],
    people: Sequence[Person],
    credits: Sequence[Credit],
    rng: Random,
    facts: Sequence[Fact | FactDraft] = (),
    other_dramas: Sequence[Drama] = (),
    fact_limit: int = FACT_QUESTION_LIMIT,
    words: Phrasebook | None = None,
    slot_text: SlotWriter = weekly_slot,
) -> list[Question]:
    """Questions built from the store's data about ``drama``.

    ``people`` and ``credits`` may cover every drama the bot knows: credits of other dramas
    make better wrong choices than the fixed decoy pools. ``facts`` are this drama's; with
    ``other_dramas`` given, up to ``fact_limit`` of them become "which drama?" questions.
    ``episodes`` are this drama's (others' slugs are ignored); empty means the schedule's count.
    ``words`` and ``slot_text`` write the frames and weekly slots in the game's language
    (English by default); names, titles and facts stay as the data has them.
    """
    say = words or EnglishFrames()
    by_id = {person.id: person for person in people}
    title = drama.title
    others = [other for other in other_dramas if other.slug != drama.slug]
    all_cast = _cast_of(credits, by_id)
    cast = [c for c in all_cast if c.drama_slug == drama.slug]
    other_cast = [c for c in all_cast if c.drama_slug != drama.slug]
    questions: list[Question] = []

    def add(
        kind: QuestionKind,
        text: str,
        answer: str,
        accepted: Iterable[str],
        tiers: Sequence[Iterable[str]],
        avoid: Iterable[str] = (),
        mentioned_in: str = "",
    ) -> None:
        accepted = list(accepted)
        wrong = pick_wrong(answer, [*accepted, *avoid], tiers, rng, mentioned_in)
        if wrong is None:
            return
        questions.append(
            build_question(
                text=text,
                answer=answer,
                wrong=wrong,
                accepted=accepted,
                rng=rng,
                source=QuestionSource.GENERATED,
                drama_slug=drama.slug,
                kind=kind,
            )
        )

    # Who plays a character / which character a person plays.
    for role in cast:
        lead, *co_stars = role.people
        add(
            QuestionKind.WHO_PLAYS,
            say._("Who plays {character} in {title}?", character=role.character, title=title),
            lead.name,
            [*lead.aliases, *_names(co_stars)],
            [
                [p.name for c in cast if c is not role for p in c.people],
                [p.name for c in other_cast for p in c.people],
                ACTOR_DECOYS,
            ],
        )
    for person_id in dict.fromkeys(p.id for c in cast for p in c.people):
        roles = [c for c in cast if any(p.id == person_id for p in c.people)]
        first, *more = roles
        add(
            QuestionKind.CHARACTER_OF,
            say._(
                "Which character does {person} play in {title}?",
                person=by_id[person_id].name,
                title=title,
            ),
            first.character,
            [*first.aliases, *(n for r in more for n in (r.character, *r.aliases))],
            [
                [c.character for c in cast if c not in roles],
                [c.character for c in other_cast],
                CHARACTER_DECOYS,
            ],
        )

    # A character's job, when the description states it plainly.
    jobs = {c: occupation(c.description) for c in all_cast}
    for role in cast:
        job = jobs[role]
        if job is None:
            continue
        add(
            QuestionKind.JOB,
            say._("What is {character}'s job in {title}?", character=role.character, title=title),
            job,
            [],
            [
                [j for c in all_cast if (j := jobs[c]) is not None],
                JOB_DECOYS,
            ],
        )

    # Who directed / who wrote.
    crew_kinds = (
        (
            RoleKind.DIRECTOR,
            QuestionKind.DIRECTOR,
            say._("Who directed {title}?", title=title),
            DIRECTOR_DECOYS,
        ),
        (
            RoleKind.WRITER,
            QuestionKind.WRITER,
            say._("Who wrote {title}?", title=title),
            WRITER_DECOYS,
        ),
    )
    for role_kind, kind, text, decoys in crew_kinds:
        crew = [
            by_id[c.person_id]
            for c in credits
            if c.drama_slug == drama.slug and c.role is role_kind and c.person_id in by_id
        ]
        crew = list(dict.fromkeys(crew))
        if not crew:
            continue
        lead, *partners = crew
        add(
            kind,
            text,
            lead.name,
            [*lead.aliases, *_names(partners)],
            [
                [
                    by_id[c.person_id].name
                    for c in credits
                    if not c.role.is_cast and c.person_id in by_id
                ],
                decoys,
            ],
        )

    # How many episodes.
    count = len({e.number for e in episodes if e.drama_slug == drama.slug})
    count = count or drama.schedule.episode_count
    add(
        QuestionKind.EPISODE_COUNT,
        say._("How many episodes does {title} have?", title=title),
        str(count),
        [f"{count} episodes", say.ngettext("{count} episode", "{count} episodes", count)],
        [
            [str(o.schedule.episode_count) for o in others],
            [str(n) for n in _nearest_counts(count)],
            [str(n) for n in COMMON_EPISODE_COUNTS],
        ],
    )

    # Weekday and local time (not for a drama whose source knows no regular slot).
    if drama.schedule.has_rule:
        add(
            QuestionKind.TIME_SLOT,
            say._("When do new episodes of {title} air each week?", title=title),
            slot_text(drama.schedule),
            [weekly_slot(drama.schedule), *_slot_accepted(drama)],
            _slot_variants(drama, slot_text),
        )

    # Which drama: only meaningful when the bot knows several.
    if others:
        titles = [[o.title for o in others], DRAMA_DECOYS]
        for role in cast:
            sharing = {
                c.drama_slug
                for c in other_cast
                if name_key(c.character) == name_key(role.character)
            }
            add(
                QuestionKind.CHARACTER_DRAMA,
                say._("Which drama has a character called {character}?", character=role.character),
                title,
                drama.aliases,
                titles,
                avoid=[n for o in others if o.slug in sharing for n in o.names],
            )
        masked = [(fact, m) for fact in facts if (m := _mask_titles(fact.text, drama))]
        for fact, text in rng.sample(masked, k=min(max(fact_limit, 0), len(masked))):
            add(
                QuestionKind.FACT_DRAMA,
                say._('Which drama is this fact about? "{fact}"', fact=text),
                title,
                drama.aliases,
                titles,
                mentioned_in=fact.text,
            )
    return questions
