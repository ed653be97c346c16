-- Other names of places, bodies and people, per guild ("DPRK", "NK", "Pyongyang" for North Korea): from
-- the seed stories and from moderators (/mod alias), as SQLite's V4. The analyser adds the entity's term
-- wherever one of its names is written, in a claim as in a query (bot/domain/text.py, Aliases); the
-- store re-indexes the claims a new name is written in. Append-only: each row is the record of who
-- added which name, when and why, so the table is its own history.
CREATE TABLE aliases (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    guild_id   BIGINT NOT NULL REFERENCES guilds (id),
    entity     TEXT COLLATE "C" NOT NULL,     -- the entity's own name, as written: "North Korea"
    name       TEXT COLLATE "C" NOT NULL,     -- another name of it: "DPRK"
    norm       TEXT COLLATE "C" NOT NULL,     -- bot.domain.names.normalise_name(name)
    note       TEXT NOT NULL DEFAULT '',
    actor_id   BIGINT NOT NULL,
    actor_name TEXT NOT NULL,
    added_at   timestamptz NOT NULL,
    UNIQUE (guild_id, norm)                   -- a name stands for one entity in a guild
);
CREATE INDEX aliases_guild ON aliases (guild_id, id);

CREATE FUNCTION aliases_are_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'aliases are append-only (% refused)', TG_OP USING ERRCODE = 'integrity_constraint_violation';
END;
$$;
CREATE TRIGGER aliases_append_only BEFORE UPDATE OR DELETE ON aliases
    FOR EACH ROW EXECUTE FUNCTION aliases_are_append_only();
CREATE TRIGGER aliases_append_only_truncate BEFORE TRUNCATE ON aliases
    FOR EACH STATEMENT EXECUTE FUNCTION aliases_are_append_only();
