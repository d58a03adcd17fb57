-- Community trivia: games, and each player's result per question (written when it closes).
-- Leaderboards are SUMs over answered_at, so periods need no extra bookkeeping.

CREATE TABLE trivia_games (
    id INTEGER PRIMARY KEY AUTOINCREMENT,       -- in button custom_ids: never reused
    guild_id INTEGER NOT NULL,
    channel_id INTEGER NOT NULL,
    starter_id INTEGER NOT NULL,
    drama_slug TEXT NOT NULL,                   -- no foreign key: scores outlive a drama file
    question_count INTEGER NOT NULL CHECK (question_count >= 1),
    state TEXT NOT NULL CHECK (state IN ('running', 'finished', 'stopped', 'interrupted')),
    message_id INTEGER,                         -- the current question's message
    question_index INTEGER,                     -- ... and which question it asks
    started_at TEXT NOT NULL,
    ended_at TEXT
);
CREATE INDEX trivia_games_running ON trivia_games(state) WHERE state = 'running';

CREATE TABLE trivia_results (
    game_id INTEGER NOT NULL REFERENCES trivia_games(id) ON DELETE CASCADE,
    question_index INTEGER NOT NULL,
    guild_id INTEGER NOT NULL,
    user_id INTEGER NOT NULL,
    choice_index INTEGER NOT NULL,
    points INTEGER NOT NULL CHECK (points >= 0),
    correct INTEGER NOT NULL CHECK (correct IN (0, 1)),
    streak INTEGER NOT NULL CHECK (streak >= 0),
    answered_at TEXT NOT NULL,
    PRIMARY KEY (game_id, question_index, user_id)
);
CREATE INDEX trivia_results_by_time ON trivia_results(guild_id, answered_at);
CREATE INDEX trivia_results_by_player ON trivia_results(guild_id, user_id);
