-- A guild's speakers by guild: /who-said's list of the most quoted and copying a seeded guild
-- (Tx.copy_seeded_guild) read them so, and without an index each read scans every guild's speakers.
CREATE INDEX speakers_guild ON speakers (guild_id);
