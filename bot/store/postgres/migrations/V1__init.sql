-- claimbot schema for PostgreSQL, version 1: the tables of SQLite's V1 and V2.
--
-- Every table is keyed by guild, and where a row points at another guild-owned row the foreign key
-- carries the guild too (guild_id, id): a claim cannot name another guild's speaker or story, nor a
-- relation or a history row another guild's claim, whatever our code does. Times are timestamptz.
-- Triggers keep what must hold even if our code is wrong: the history is append-only, and the counts
-- (per verdict, per speaker) follow the claims.

CREATE TABLE guilds (
    id                  BIGINT PRIMARY KEY,                        -- Discord guild id
    next_claim_number   BIGINT NOT NULL DEFAULT 1 CHECK (next_claim_number >= 1),
    moderator_role_id   BIGINT,
    announce_channel_id BIGINT,
    created_at          timestamptz NOT NULL
);

CREATE TABLE stories (
    id        BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    guild_id  BIGINT NOT NULL REFERENCES guilds (id),
    slug      TEXT NOT NULL,
    title     TEXT NOT NULL,
    publisher TEXT NOT NULL,
    url       TEXT NOT NULL DEFAULT '',
    published DATE NOT NULL,
    UNIQUE (guild_id, slug),
    UNIQUE (guild_id, id)
);

CREATE TABLE speakers (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    guild_id    BIGINT NOT NULL REFERENCES guilds (id),
    name        TEXT COLLATE "C" NOT NULL,                  -- "C": lists sort by code point, as SQLite does
    -- How lists refer to a speaker after the first mention ("Kim" for Kim Jong Un). Empty: the
    -- renderer's default, a person's last name or a body's whole name.
    short_name  TEXT NOT NULL DEFAULT '',
    claim_count INTEGER NOT NULL DEFAULT 0 CHECK (claim_count >= 0),   -- kept by triggers
    UNIQUE (guild_id, id)
);

-- Every way a speaker is written ("Zelensky", "Zelenskiy"), keyed by its case- and accent-free form.
-- norm is "C" so the primary key also serves `norm LIKE 'prefix%'`.
CREATE TABLE speaker_names (
    guild_id   BIGINT NOT NULL,
    norm       TEXT COLLATE "C" NOT NULL,
    speaker_id BIGINT NOT NULL,
    name       TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (guild_id, norm),
    FOREIGN KEY (guild_id, speaker_id) REFERENCES speakers (guild_id, id)
);
CREATE INDEX speaker_names_speaker ON speaker_names (speaker_id);

CREATE TABLE claims (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    guild_id         BIGINT NOT NULL REFERENCES guilds (id),
    number           BIGINT NOT NULL CHECK (number >= 1),
    statement        TEXT NOT NULL,
    verbatim         BOOLEAN NOT NULL,
    speaker_id       BIGINT NOT NULL,
    role             TEXT NOT NULL DEFAULT '',
    venue            TEXT NOT NULL DEFAULT '',
    said_when        TEXT NOT NULL DEFAULT '',
    story_id         BIGINT,
    attribution      TEXT NOT NULL CHECK (attribution IN
                        ('on_record', 'via_outlet', 'anonymous_sources', 'disputed_quote', 'retracted')),
    verdict          TEXT NOT NULL CHECK (verdict IN
                        ('unverified', 'investigating', 'disputed', 'confirmed', 'false', 'misleading')),
    rationale        TEXT NOT NULL DEFAULT '',
    revision         BIGINT NOT NULL DEFAULT 1 CHECK (revision >= 1),  -- compare-and-set: bumped by every change
    seed_key         TEXT,                                  -- the seed file's key, for claims from one
    seed_fingerprint TEXT,
    moderated        BOOLEAN NOT NULL DEFAULT false,        -- true once a moderator changed it: seeds leave it
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL,
    -- The search index: bot.domain.text's terms and the guild's own lexeme ('@g<guild id>'), built by
    -- the store with array_to_tsvector, never by PostgreSQL's text parser.
    terms            tsvector NOT NULL DEFAULT ''::tsvector,
    UNIQUE (guild_id, number),
    UNIQUE (guild_id, id),
    FOREIGN KEY (guild_id, speaker_id) REFERENCES speakers (guild_id, id),
    FOREIGN KEY (guild_id, story_id) REFERENCES stories (guild_id, id)
);
CREATE UNIQUE INDEX claims_seed ON claims (story_id, seed_key) WHERE seed_key IS NOT NULL;
CREATE INDEX claims_speaker ON claims (guild_id, speaker_id, number);
CREATE INDEX claims_recent ON claims (guild_id, updated_at, id);  -- recent_claims: ties by id, as SQLite
CREATE INDEX claims_terms ON claims USING gin (terms);

-- Evidence has no guild of its own: it is its claim's, and can name nothing else.
CREATE TABLE evidence (
    id       BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    claim_id BIGINT NOT NULL REFERENCES claims (id),
    url      TEXT NOT NULL,
    note     TEXT NOT NULL DEFAULT '',
    added_at timestamptz NOT NULL
);
CREATE INDEX evidence_claim ON evidence (claim_id, id);

CREATE TABLE relations (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    guild_id   BIGINT NOT NULL,
    source_id  BIGINT NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('contradicts', 'supports', 'supersedes', 'same_as')),
    target_id  BIGINT NOT NULL,
    note       TEXT NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL,
    UNIQUE (source_id, kind, target_id),
    CHECK (source_id <> target_id),
    FOREIGN KEY (guild_id, source_id) REFERENCES claims (guild_id, id),
    FOREIGN KEY (guild_id, target_id) REFERENCES claims (guild_id, id)
);
CREATE INDEX relations_target ON relations (target_id);

-- The record of every change. Append-only: the triggers below refuse UPDATE, DELETE and TRUNCATE.
CREATE TABLE history (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    guild_id   BIGINT NOT NULL,
    claim_id   BIGINT NOT NULL,
    field      TEXT NOT NULL,
    old_value  TEXT,
    new_value  TEXT NOT NULL,
    note       TEXT NOT NULL DEFAULT '',
    source_url TEXT,
    actor_id   BIGINT NOT NULL,
    actor_name TEXT NOT NULL,
    at         timestamptz NOT NULL,
    FOREIGN KEY (guild_id, claim_id) REFERENCES claims (guild_id, id)
);
CREATE INDEX history_claim ON history (claim_id, id);
CREATE INDEX history_guild ON history (guild_id, id);
-- The board walks a guild's verdict changes newest first.
CREATE INDEX history_guild_verdicts ON history (guild_id, id) WHERE field = 'verdict';

CREATE FUNCTION history_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'history is append-only (% refused)', TG_OP USING ERRCODE = 'integrity_constraint_violation';
END;
$$;
CREATE TRIGGER history_append_only BEFORE UPDATE OR DELETE ON history
    FOR EACH ROW EXECUTE FUNCTION history_is_append_only();
CREATE TRIGGER history_append_only_truncate BEFORE TRUNCATE ON history
    FOR EACH STATEMENT EXECUTE FUNCTION history_is_append_only();

-- Counts per verdict, kept by triggers so the /status board never scans the claims.
CREATE TABLE verdict_counts (
    guild_id BIGINT NOT NULL REFERENCES guilds (id),
    verdict  TEXT NOT NULL,
    count    BIGINT NOT NULL CHECK (count >= 0),
    PRIMARY KEY (guild_id, verdict)
);

-- Claims inserted: one statement's rows counted together (seeding a guild inserts sixteen at once).
CREATE FUNCTION claims_count_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO verdict_counts AS vc (guild_id, verdict, count)
    SELECT guild_id, verdict, count(*) FROM inserted GROUP BY guild_id, verdict
    ON CONFLICT (guild_id, verdict) DO UPDATE SET count = vc.count + excluded.count;
    UPDATE speakers s SET claim_count = s.claim_count + added.n
      FROM (SELECT speaker_id, count(*) AS n FROM inserted GROUP BY speaker_id) AS added
     WHERE s.id = added.speaker_id;
    RETURN NULL;
END;
$$;
CREATE TRIGGER claims_counted_on_insert AFTER INSERT ON claims
    REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION claims_count_inserted();

CREATE FUNCTION claims_count_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE verdict_counts vc SET count = vc.count - gone.n
      FROM (SELECT guild_id, verdict, count(*) AS n FROM deleted GROUP BY guild_id, verdict) AS gone
     WHERE vc.guild_id = gone.guild_id AND vc.verdict = gone.verdict;
    UPDATE speakers s SET claim_count = s.claim_count - gone.n
      FROM (SELECT speaker_id, count(*) AS n FROM deleted GROUP BY speaker_id) AS gone
     WHERE s.id = gone.speaker_id;
    RETURN NULL;
END;
$$;
CREATE TRIGGER claims_counted_on_delete AFTER DELETE ON claims
    REFERENCING OLD TABLE AS deleted FOR EACH STATEMENT EXECUTE FUNCTION claims_count_deleted();

-- A claim's verdict (or guild) changed: move it from one count to the other.
CREATE FUNCTION claims_count_verdict_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE verdict_counts SET count = count - 1 WHERE guild_id = OLD.guild_id AND verdict = OLD.verdict;
    INSERT INTO verdict_counts AS vc (guild_id, verdict, count) VALUES (NEW.guild_id, NEW.verdict, 1)
    ON CONFLICT (guild_id, verdict) DO UPDATE SET count = vc.count + 1;
    RETURN NULL;
END;
$$;
CREATE TRIGGER claims_counted_on_verdict AFTER UPDATE OF verdict, guild_id ON claims
    FOR EACH ROW WHEN (OLD.verdict IS DISTINCT FROM NEW.verdict OR OLD.guild_id IS DISTINCT FROM NEW.guild_id)
    EXECUTE FUNCTION claims_count_verdict_change();

-- A claim's speaker changed: it counts for the new one now.
CREATE FUNCTION claims_count_speaker_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE speakers SET claim_count = claim_count - 1 WHERE id = OLD.speaker_id;
    UPDATE speakers SET claim_count = claim_count + 1 WHERE id = NEW.speaker_id;
    RETURN NULL;
END;
$$;
CREATE TRIGGER claims_counted_on_speaker AFTER UPDATE OF speaker_id ON claims
    FOR EACH ROW WHEN (OLD.speaker_id IS DISTINCT FROM NEW.speaker_id)
    EXECUTE FUNCTION claims_count_speaker_change();

-- What the store keeps about itself: the analyser version the search index was built with.
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
