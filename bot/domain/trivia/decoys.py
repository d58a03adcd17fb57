"""Well-known names and words that make plausible wrong choices for generated questions.

Used only when the store has too few plausible wrong choices (a single drama with three
characters). Never the answer: every candidate is checked against the answer and its
accepted spellings first.
"""

from __future__ import annotations

ACTOR_DECOYS = (
    "Song Joong-ki",
    "Kim Go-eun",
    "Hyun Bin",
    "Son Ye-jin",
    "Park Seo-joon",
    "Kim Tae-ri",
    "Lee Min-ho",
    "Jun Ji-hyun",
    "Gong Yoo",
    "Park Shin-hye",
    "Nam Joo-hyuk",
    "Kim Yoo-jung",
    "Lee Jong-suk",
    "Song Kang",
    "Bae Suzy",
    "Seo Ye-ji",
)
CHARACTER_DECOYS = (
    "Kim Shin",
    "Ji Eun-tak",
    "Ri Jeong-hyeok",
    "Yoon Se-ri",
    "Park Sae-ro-yi",
    "Jo Yi-seo",
    "Do Min-joon",
    "Cheon Song-yi",
    "Hong Du-sik",
    "Yoon Hye-jin",
    "Seong Deok-seon",
    "Goo Jun-pyo",
    "Geum Jan-di",
    "Woo Young-woo",
)
DIRECTOR_DECOYS = (
    "Shin Won-ho",
    "Lee Eung-bok",
    "Ahn Pan-seok",
    "Kim Won-seok",
    "Lee Jung-hyo",
    "Yoo In-sik",
    "Park Shin-woo",
    "Kim Jin-min",
)
WRITER_DECOYS = (
    "Kim Eun-sook",
    "Park Ji-eun",
    "Kim Eun-hee",
    "Noh Hee-kyung",
    "Park Hae-young",
    "Lee Woo-jung",
    "Song Jae-jung",
    "Park Hye-ryun",
)
DRAMA_DECOYS = (
    "Goblin",
    "Crash Landing on You",
    "Itaewon Class",
    "Reply 1988",
    "Vincenzo",
    "Descendants of the Sun",
    "My Mister",
    "Hometown Cha-Cha-Cha",
    "Business Proposal",
    "Extraordinary Attorney Woo",
)
JOB_DECOYS = (
    "Doctor",
    "Lawyer",
    "Chef",
    "Teacher",
    "Detective",
    "Architect",
    "Journalist",
    "Nurse",
    "Pilot",
    "Prosecutor",
    "Photographer",
    "Lyricist",
    "Producer",
    "Singer",
)
# Single-word occupations recognised in a credit description's head ("A lyricist who ...").
# fmt: off
OCCUPATIONS = frozenset({
    "actor", "actress", "architect", "artist", "attorney", "baker", "barista", "ceo", "chef",
    "composer", "dancer", "dentist", "designer", "detective", "developer", "doctor", "editor",
    "idol", "journalist", "judge", "lawyer", "lyricist", "manager", "model", "musician",
    "novelist", "nurse", "pharmacist", "photographer", "pianist", "pilot", "producer",
    "professor", "programmer", "prosecutor", "reporter", "secretary", "singer", "soldier",
    "songwriter", "surgeon", "teacher", "veterinarian", "webtoonist",
})
# fmt: on
