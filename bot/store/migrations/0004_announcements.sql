-- Airing announcements: which servers announce what, and the exactly-once delivery log.

ALTER TABLE guild_settings ADD COLUMN announce_role_id INTEGER;
ALTER TABLE guild_settings ADD COLUMN announce_lead_minutes INTEGER NOT NULL DEFAULT 0;
ALTER TABLE guild_settings ADD COLUMN last_failure TEXT;
ALTER TABLE guild_settings ADD COLUMN last_failure_at TEXT;

CREATE TABLE announce_subscriptions (
    guild_id INTEGER NOT NULL,
    drama_slug TEXT NOT NULL REFERENCES dramas(slug) ON DELETE CASCADE ON UPDATE CASCADE,
    channel_id INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (guild_id, drama_slug)
);
CREATE INDEX announce_subscriptions_by_drama ON announce_subscriptions(drama_slug);

-- One row per (target, episode, kind): inserting it is the claim that makes a post unique.
-- target_id is a guild id, or a user id for direct (DM) reminders.
CREATE TABLE deliveries (
    target_id INTEGER NOT NULL,
    drama_slug TEXT NOT NULL,
    episode_number INTEGER NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('airing', 'reminder', 'direct')),
    state TEXT NOT NULL CHECK (state IN ('claimed', 'sent', 'failed', 'missed')),
    claimed_at TEXT NOT NULL,
    claimed_by TEXT NOT NULL,                   -- the claiming process's run id
    settled_at TEXT,
    channel_id INTEGER,
    message_id INTEGER,
    error TEXT,
    PRIMARY KEY (target_id, drama_slug, episode_number, kind)
);

CREATE TABLE reminder_subscriptions (
    user_id INTEGER NOT NULL,
    drama_slug TEXT NOT NULL REFERENCES dramas(slug) ON DELETE CASCADE ON UPDATE CASCADE,
    created_at TEXT NOT NULL,
    PRIMARY KEY (user_id, drama_slug)
);

-- Fans unsubscribed because their DMs were closed; told once, on their next /remind.
CREATE TABLE closed_dms (
    user_id INTEGER PRIMARY KEY,
    noticed_at TEXT NOT NULL
);
