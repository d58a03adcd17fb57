-- Dramas, their episodes, people and credits, facts (with FTS5) and trivia questions.
-- Instants are ISO-8601 UTC text ('2022-03-23T07:00:00+00:00'), so they sort as text.

CREATE TABLE dramas (
    id INTEGER PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    country TEXT NOT NULL DEFAULT '',
    platform TEXT NOT NULL,
    genres TEXT NOT NULL DEFAULT '[]',          -- JSON array of text
    synopsis TEXT NOT NULL DEFAULT '',
    schedule TEXT NOT NULL                      -- JSON: the weekly rule as written in the file
);

CREATE TABLE drama_aliases (
    drama_id INTEGER NOT NULL REFERENCES dramas(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    alias TEXT NOT NULL,
    PRIMARY KEY (drama_id, position)
);

CREATE TABLE episodes (
    id INTEGER PRIMARY KEY,
    drama_id INTEGER NOT NULL REFERENCES dramas(id) ON DELETE CASCADE,
    number INTEGER NOT NULL CHECK (number >= 1),
    airs_at TEXT NOT NULL,
    title TEXT,
    UNIQUE (drama_id, number)
);
CREATE INDEX episodes_by_time ON episodes(airs_at);

CREATE TABLE people (
    id INTEGER PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    born TEXT,                                  -- ISO date; ages are computed when asked
    known_for TEXT NOT NULL DEFAULT '[]'        -- JSON array of titles
);

CREATE TABLE person_aliases (
    person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    alias TEXT NOT NULL,
    PRIMARY KEY (person_id, position)
);

CREATE TABLE credits (
    id INTEGER PRIMARY KEY,
    drama_id INTEGER NOT NULL REFERENCES dramas(id) ON DELETE CASCADE,
    person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('lead', 'support', 'cameo', 'director', 'writer')),
    character TEXT,
    description TEXT
);
CREATE INDEX credits_by_drama ON credits(drama_id, position);
CREATE INDEX credits_by_person ON credits(person_id);

CREATE TABLE character_aliases (
    credit_id INTEGER NOT NULL REFERENCES credits(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    alias TEXT NOT NULL,
    PRIMARY KEY (credit_id, position)
);

CREATE TABLE facts (
    id INTEGER PRIMARY KEY,
    drama_id INTEGER NOT NULL REFERENCES dramas(id) ON DELETE CASCADE,
    text TEXT NOT NULL,
    topic TEXT,
    source TEXT,
    origin TEXT NOT NULL CHECK (origin IN ('data', 'community')),
    added_by INTEGER,                           -- Discord user id for community facts
    added_at TEXT
);
CREATE UNIQUE INDEX facts_from_data ON facts(drama_id, text) WHERE origin = 'data';
CREATE INDEX facts_by_drama ON facts(drama_id);

CREATE VIRTUAL TABLE facts_fts USING fts5(
    text, topic, source,
    content = 'facts', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER facts_fts_insert AFTER INSERT ON facts BEGIN
    INSERT INTO facts_fts(rowid, text, topic, source)
    VALUES (new.id, new.text, new.topic, new.source);
END;
CREATE TRIGGER facts_fts_delete AFTER DELETE ON facts BEGIN
    INSERT INTO facts_fts(facts_fts, rowid, text, topic, source)
    VALUES ('delete', old.id, old.text, old.topic, old.source);
END;
CREATE TRIGGER facts_fts_update AFTER UPDATE ON facts BEGIN
    INSERT INTO facts_fts(facts_fts, rowid, text, topic, source)
    VALUES ('delete', old.id, old.text, old.topic, old.source);
    INSERT INTO facts_fts(rowid, text, topic, source)
    VALUES (new.id, new.text, new.topic, new.source);
END;

CREATE TABLE trivia_questions (
    id INTEGER PRIMARY KEY,
    drama_id INTEGER NOT NULL REFERENCES dramas(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    accepted TEXT NOT NULL DEFAULT '[]',        -- JSON array
    wrong TEXT NOT NULL,                        -- JSON array, at least three
    UNIQUE (drama_id, question)
);
