-- The language a fan's DM reminders are written in: the catalogue code of the Discord
-- language they used when they last ran /remind me for that drama (NULL: English, also for
-- reminders set before this column existed).
-- (Issue 12.)

ALTER TABLE reminder_subscriptions ADD COLUMN language TEXT;
