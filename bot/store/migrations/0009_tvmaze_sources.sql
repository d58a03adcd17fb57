-- Dramas from an outside source (TVmaze), episodes known only by their day, and the notice
-- a server gets when an episode's time moves.

-- source: 'tvmaze:62248' for a drama added from TVmaze (NULL: a data file's own drama);
-- source_url: the show's TVmaze page (its CC BY-SA attribution); source_updated: TVmaze's
-- 'updated' stamp of the imported answer, so a refresh skips unchanged shows;
-- source_status: TVmaze's status ('Running', 'Ended', ...).
ALTER TABLE dramas ADD COLUMN source TEXT;
ALTER TABLE dramas ADD COLUMN source_url TEXT;
ALTER TABLE dramas ADD COLUMN source_updated INTEGER;
ALTER TABLE dramas ADD COLUMN source_status TEXT;
ALTER TABLE dramas ADD COLUMN refreshed_at TEXT;
CREATE UNIQUE INDEX dramas_by_source ON dramas(source) WHERE source IS NOT NULL;

-- time_known = 0: only the day is known (airs_at is noon there, for ordering): the episode
-- is listed as "time not announced" and never announced.
ALTER TABLE episodes ADD COLUMN time_known INTEGER NOT NULL DEFAULT 1 CHECK (time_known IN (0, 1));
ALTER TABLE episodes ADD COLUMN season INTEGER;
ALTER TABLE episodes ADD COLUMN season_number INTEGER;

-- Each drama added from Discord, by server: the operator's daily cap counts these.
CREATE TABLE source_adds (
    guild_id INTEGER NOT NULL,
    drama_slug TEXT NOT NULL,
    added_by INTEGER NOT NULL,
    added_at TEXT NOT NULL
);
CREATE INDEX source_adds_by_guild ON source_adds(guild_id, added_at);

-- '/announce changes off' silences the "episode moved" notices.
ALTER TABLE guild_settings ADD COLUMN announce_changes INTEGER NOT NULL DEFAULT 1;

-- The delivery log gains the kind 'moved' (a notice that an episode's time changed) and a
-- variant in its key: the new instant, so each (server, episode, new time) is told once.
-- SQLite cannot change a CHECK or a primary key in place: the table is rebuilt.
CREATE TABLE deliveries_v9 (
    target_id INTEGER NOT NULL,
    drama_slug TEXT NOT NULL,
    episode_number INTEGER NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('airing', 'reminder', 'direct', 'moved')),
    variant TEXT NOT NULL DEFAULT '',
    state TEXT NOT NULL CHECK (state IN ('claimed', 'sent', 'failed', 'missed')),
    claimed_at TEXT NOT NULL,
    claimed_by TEXT NOT NULL,
    settled_at TEXT,
    channel_id INTEGER,
    message_id INTEGER,
    error TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    PRIMARY KEY (target_id, drama_slug, episode_number, kind, variant)
);
INSERT INTO deliveries_v9 (target_id, drama_slug, episode_number, kind, variant, state,
    claimed_at, claimed_by, settled_at, channel_id, message_id, error, attempts, last_error)
SELECT target_id, drama_slug, episode_number, kind, '', state, claimed_at, claimed_by,
    settled_at, channel_id, message_id, error, attempts, last_error FROM deliveries;
DROP TABLE deliveries;
ALTER TABLE deliveries_v9 RENAME TO deliveries;
CREATE INDEX deliveries_by_episode ON deliveries(drama_slug, episode_number);
CREATE INDEX deliveries_in_flight ON deliveries(state) WHERE state = 'claimed';
