-- Per-server settings chosen by its admins (never touched by an import).

CREATE TABLE guild_settings (
    guild_id INTEGER PRIMARY KEY,
    default_drama TEXT REFERENCES dramas(slug) ON DELETE SET NULL ON UPDATE CASCADE,
    updated_at TEXT NOT NULL
);

-- The words of the fact index, for correcting typos in searches.
CREATE VIRTUAL TABLE facts_vocab USING fts5vocab(facts_fts, 'row');
