-- Community facts belong to the server they were added in.
--
-- guild_id is that server. Data-file facts have none: they are shared by every server.
-- Community facts added before this migration have no known server: they keep guild_id NULL,
-- so they stay in the database but no server sees them and no server's admin can remove them
-- (the operator can give them to a server: README, "Community facts and servers").
--
-- Every read asks for "the data facts, or this server's community facts": one partial index
-- for each half, so SQLite answers both halves from an index (MULTI-INDEX OR) and never reads
-- another server's facts, whatever their number. facts_by_drama is replaced by them.

ALTER TABLE facts ADD COLUMN guild_id INTEGER CHECK (guild_id IS NULL OR origin = 'community');

DROP INDEX facts_by_drama;
CREATE INDEX facts_shared ON facts(drama_id, topic COLLATE NOCASE) WHERE origin = 'data';
CREATE INDEX facts_of_guild ON facts(guild_id, drama_id, topic COLLATE NOCASE)
    WHERE origin = 'community';
