-- Delivery retries: a transient failure (Discord's 5xx, a 429 storm, a timeout, the database
-- busy) keeps the row 'claimed' by its live sender, which retries until the catch-up window
-- closes; attempts and the last error are what /announce status shows meanwhile.

ALTER TABLE deliveries ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE deliveries ADD COLUMN last_error TEXT;
CREATE INDEX deliveries_by_episode ON deliveries(drama_slug, episode_number);
CREATE INDEX deliveries_in_flight ON deliveries(state) WHERE state = 'claimed';
