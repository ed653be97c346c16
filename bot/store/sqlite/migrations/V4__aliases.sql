-- Other names of places, bodies and people, per guild ("DPRK", "NK", "Pyongyang" for North Korea): from
-- the seed stories and from moderators (/mod alias). The analyser adds the entity's term wherever one of
-- its names is written, in a claim as in a query (bot/domain/text.py, Aliases); the store re-indexes the
-- claims a new name is written in. Append-only: each row is the record of who added which name, when
-- and why, so the table is its own history.
CREATE TABLE aliases (
    id         INTEGER PRIMARY KEY,
    guild_id   INTEGER NOT NULL REFERENCES guilds (id),
    entity     TEXT NOT NULL,                 -- the entity's own name, as written: "North Korea"
    name       TEXT NOT NULL,                 -- another name of it: "DPRK"
    norm       TEXT NOT NULL,                 -- bot.domain.names.normalise_name(name)
    note       TEXT NOT NULL DEFAULT '',
    actor_id   INTEGER NOT NULL,
    actor_name TEXT NOT NULL,
    added_at   TEXT NOT NULL,
    UNIQUE (guild_id, norm)                   -- a name stands for one entity in a guild
);
CREATE INDEX aliases_guild ON aliases (guild_id, id);

CREATE TRIGGER aliases_are_append_only_update BEFORE UPDATE ON aliases
BEGIN SELECT RAISE(ABORT, 'aliases are append-only'); END;
CREATE TRIGGER aliases_are_append_only_delete BEFORE DELETE ON aliases
BEGIN SELECT RAISE(ABORT, 'aliases are append-only'); END;
