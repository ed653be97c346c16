-- A moderator may remove another name (/mod unalias), as SQLite's V10: the row stays, marked with who
-- removed it, when and why, so the table is still its own history; the name no longer finds anything,
-- and may be added again later (a new row). A name stands for one entity among the names not removed.
ALTER TABLE aliases
    ADD COLUMN removed_at         timestamptz,       -- NULL: the name is in use
    ADD COLUMN removed_note       TEXT,
    ADD COLUMN removed_actor_id   BIGINT,
    ADD COLUMN removed_actor_name TEXT,
    ADD CONSTRAINT aliases_removal_whole CHECK (
        (removed_at IS NULL) = (removed_actor_id IS NULL)
        AND (removed_at IS NULL) = (removed_actor_name IS NULL)
        AND (removed_at IS NULL) = (removed_note IS NULL)
    ),
    DROP CONSTRAINT aliases_guild_id_norm_key;
CREATE UNIQUE INDEX aliases_name_in_use ON aliases (guild_id, norm) WHERE removed_at IS NULL;

-- The only change a row may take: its removal, once; nothing else of it changes, and no row goes.
CREATE OR REPLACE FUNCTION aliases_are_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.removed_at IS NULL AND NEW.removed_at IS NOT NULL
       AND (NEW.id, NEW.guild_id, NEW.entity, NEW.name, NEW.norm, NEW.note, NEW.actor_id, NEW.actor_name,
            NEW.added_at)
           IS NOT DISTINCT FROM
           (OLD.id, OLD.guild_id, OLD.entity, OLD.name, OLD.norm, OLD.note, OLD.actor_id, OLD.actor_name,
            OLD.added_at) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'aliases are append-only (% refused)', TG_OP USING ERRCODE = 'integrity_constraint_violation';
END;
$$;
