-- A server's language (a catalogue code: en, id, ko) and its clock (an IANA zone) for the
-- posts nobody asked for and the times the bot writes; NULL: not chosen (the server's
-- preferred locale, else English; each drama's own zone).
-- (Issue 12; it depends on nothing but guild_settings from 0003.)

ALTER TABLE guild_settings ADD COLUMN language TEXT;
ALTER TABLE guild_settings ADD COLUMN timezone TEXT;
