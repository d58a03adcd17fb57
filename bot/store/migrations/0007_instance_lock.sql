-- One bot per database: each row is a lease on a scope ('bot' today; a slice of Discord's
-- shards later), held by one running process and kept alive by its heartbeat. A row whose
-- heartbeat stopped (or whose pid is dead on the same host) may be taken over.

CREATE TABLE instance_locks (
    scope TEXT PRIMARY KEY,
    run_id TEXT NOT NULL,                       -- the holder's run id (also in deliveries.claimed_by)
    pid INTEGER NOT NULL,
    host TEXT NOT NULL,
    since_at TEXT NOT NULL,
    heartbeat_at TEXT NOT NULL
);
