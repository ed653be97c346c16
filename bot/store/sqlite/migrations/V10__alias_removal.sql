-- A moderator may remove another name (/mod unalias): the row stays, marked with who removed it, when
-- and why, so the table is still its own history; the name no longer finds anything, and may be added
-- again later (a new row). A name stands for one entity among the names not removed. SQLite cannot drop
-- a table's UNIQUE constraint, so the table is rebuilt (DROP TABLE fires no DELETE trigger).
CREATE TABLE aliases_v10 (
    id                 INTEGER PRIMARY KEY,
    guild_id           INTEGER NOT NULL REFERENCES guilds (id),
    entity             TEXT NOT NULL,
    name               TEXT NOT NULL,
    norm               TEXT NOT NULL,
    note               TEXT NOT NULL DEFAULT '',
    actor_id           INTEGER NOT NULL,
    actor_name         TEXT NOT NULL,
    added_at           TEXT NOT NULL,
    removed_at         TEXT,                  -- NULL: the name is in use
    removed_note       TEXT,
    removed_actor_id   INTEGER,
    removed_actor_name TEXT,
    CHECK ((removed_at IS NULL) = (removed_actor_id IS NULL)
           AND (removed_at IS NULL) = (removed_actor_name IS NULL)
           AND (removed_at IS NULL) = (removed_note IS NULL))
);
INSERT INTO aliases_v10 (id, guild_id, entity, name, norm, note, actor_id, actor_name, added_at)
    SELECT id, guild_id, entity, name, norm, note, actor_id, actor_name, added_at FROM aliases;
DROP TABLE aliases;
ALTER TABLE aliases_v10 RENAME TO aliases;
CREATE INDEX aliases_guild ON aliases (guild_id, id);
CREATE UNIQUE INDEX aliases_name_in_use ON aliases (guild_id, norm) WHERE removed_at IS NULL;

-- The only change a row may take: its removal, once; nothing else of it changes, and no row goes.
CREATE TRIGGER aliases_are_append_only_update BEFORE UPDATE ON aliases
WHEN OLD.removed_at IS NOT NULL OR NEW.removed_at IS NULL
     OR NEW.id IS NOT OLD.id OR NEW.guild_id IS NOT OLD.guild_id OR NEW.entity IS NOT OLD.entity
     OR NEW.name IS NOT OLD.name OR NEW.norm IS NOT OLD.norm OR NEW.note IS NOT OLD.note
     OR NEW.actor_id IS NOT OLD.actor_id OR NEW.actor_name IS NOT OLD.actor_name
     OR NEW.added_at IS NOT OLD.added_at
BEGIN SELECT RAISE(ABORT, 'aliases are append-only: a name is only ever marked removed, once'); END;
CREATE TRIGGER aliases_are_append_only_delete BEFORE DELETE ON aliases
BEGIN SELECT RAISE(ABORT, 'aliases are append-only'); END;
