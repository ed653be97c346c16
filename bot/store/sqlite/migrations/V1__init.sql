-- claimbot schema, version 1. Every table is keyed by guild: nothing crosses from one guild to another.

CREATE TABLE guilds (
    id                  INTEGER PRIMARY KEY,          -- Discord guild id
    next_claim_number   INTEGER NOT NULL DEFAULT 1,   -- handed out with UPDATE ... RETURNING, never max()+1
    moderator_role_id   INTEGER,
    announce_channel_id INTEGER,
    created_at          TEXT NOT NULL
);

CREATE TABLE stories (
    id        INTEGER PRIMARY KEY,
    guild_id  INTEGER NOT NULL REFERENCES guilds(id),
    slug      TEXT NOT NULL,
    title     TEXT NOT NULL,
    publisher TEXT NOT NULL,
    url       TEXT NOT NULL DEFAULT '',
    published TEXT NOT NULL,
    UNIQUE (guild_id, slug)
);

CREATE TABLE speakers (
    id          INTEGER PRIMARY KEY,
    guild_id    INTEGER NOT NULL REFERENCES guilds(id),
    name        TEXT NOT NULL,
    claim_count INTEGER NOT NULL DEFAULT 0            -- kept by triggers, for autocomplete labels
);

-- Every way a speaker is written ("Zelensky", "Zelenskiy"), keyed by its case- and accent-free form.
CREATE TABLE speaker_names (
    guild_id   INTEGER NOT NULL,
    norm       TEXT NOT NULL,
    speaker_id INTEGER NOT NULL REFERENCES speakers(id),
    name       TEXT NOT NULL,
    PRIMARY KEY (guild_id, norm)
) WITHOUT ROWID;
CREATE INDEX speaker_names_speaker ON speaker_names (speaker_id);

CREATE TABLE claims (
    id               INTEGER PRIMARY KEY,
    guild_id         INTEGER NOT NULL REFERENCES guilds(id),
    number           INTEGER NOT NULL,
    statement        TEXT NOT NULL,
    verbatim         INTEGER NOT NULL CHECK (verbatim IN (0, 1)),
    speaker_id       INTEGER NOT NULL REFERENCES speakers(id),
    role             TEXT NOT NULL DEFAULT '',
    venue            TEXT NOT NULL DEFAULT '',
    said_when        TEXT NOT NULL DEFAULT '',
    story_id         INTEGER REFERENCES stories(id),
    attribution      TEXT NOT NULL CHECK (attribution IN
                        ('on_record', 'via_outlet', 'anonymous_sources', 'disputed_quote', 'retracted')),
    verdict          TEXT NOT NULL CHECK (verdict IN
                        ('unverified', 'investigating', 'disputed', 'confirmed', 'false', 'misleading')),
    rationale        TEXT NOT NULL DEFAULT '',
    revision         INTEGER NOT NULL DEFAULT 1,      -- optimistic concurrency: bumped by every change
    seed_key         TEXT,                            -- the seed file's key, for claims that came from one
    seed_fingerprint TEXT,
    moderated        INTEGER NOT NULL DEFAULT 0,      -- 1 once a moderator changed it: seeds leave it alone
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    UNIQUE (guild_id, number)
);
CREATE UNIQUE INDEX claims_seed ON claims (story_id, seed_key) WHERE seed_key IS NOT NULL;
CREATE INDEX claims_speaker ON claims (speaker_id, number);
CREATE INDEX claims_recent ON claims (guild_id, updated_at);

CREATE TABLE evidence (
    id       INTEGER PRIMARY KEY,
    claim_id INTEGER NOT NULL REFERENCES claims(id),
    url      TEXT NOT NULL,
    note     TEXT NOT NULL DEFAULT '',
    added_at TEXT NOT NULL
);
CREATE INDEX evidence_claim ON evidence (claim_id);

CREATE TABLE relations (
    id         INTEGER PRIMARY KEY,
    guild_id   INTEGER NOT NULL REFERENCES guilds(id),
    source_id  INTEGER NOT NULL REFERENCES claims(id),
    kind       TEXT NOT NULL CHECK (kind IN ('contradicts', 'supports', 'supersedes', 'same_as')),
    target_id  INTEGER NOT NULL REFERENCES claims(id),
    note       TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    UNIQUE (source_id, kind, target_id),
    CHECK (source_id <> target_id)
);
CREATE INDEX relations_target ON relations (target_id);

-- The record of every change. Append-only: the triggers below refuse UPDATE and DELETE.
CREATE TABLE history (
    id         INTEGER PRIMARY KEY,
    guild_id   INTEGER NOT NULL,
    claim_id   INTEGER NOT NULL REFERENCES claims(id),
    field      TEXT NOT NULL,
    old_value  TEXT,
    new_value  TEXT NOT NULL,
    note       TEXT NOT NULL DEFAULT '',
    source_url TEXT,
    actor_id   INTEGER NOT NULL,
    actor_name TEXT NOT NULL,
    at         TEXT NOT NULL
);
CREATE INDEX history_claim ON history (claim_id, id);
CREATE INDEX history_guild ON history (guild_id, id);

CREATE TRIGGER history_is_append_only_update BEFORE UPDATE ON history
BEGIN SELECT RAISE(ABORT, 'history is append-only'); END;
CREATE TRIGGER history_is_append_only_delete BEFORE DELETE ON history
BEGIN SELECT RAISE(ABORT, 'history is append-only'); END;

-- Counts per verdict, kept by triggers so the /status board never scans the claims.
CREATE TABLE verdict_counts (
    guild_id INTEGER NOT NULL,
    verdict  TEXT NOT NULL,
    count    INTEGER NOT NULL,
    PRIMARY KEY (guild_id, verdict)
) WITHOUT ROWID;

-- Full-text search. The guild is a token of its own ('g123') so that a match is narrowed to one
-- guild inside the index rather than filtered afterwards.
CREATE VIRTUAL TABLE claim_fts USING fts5(
    guild, statement, speaker, role,
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '2 3'
);
-- Rank by bm25 with the guild token weightless and the speaker's names counting double.
INSERT INTO claim_fts (claim_fts, rank) VALUES ('rank', 'bm25(0.0, 1.0, 2.0, 0.5)');

CREATE TRIGGER claims_after_insert AFTER INSERT ON claims
BEGIN
    INSERT INTO claim_fts (rowid, guild, statement, speaker, role)
    VALUES (new.id, 'g' || new.guild_id, new.statement,
            (SELECT group_concat(name, ' ') FROM speaker_names WHERE speaker_id = new.speaker_id),
            new.role);
    INSERT INTO verdict_counts (guild_id, verdict, count) VALUES (new.guild_id, new.verdict, 1)
        ON CONFLICT (guild_id, verdict) DO UPDATE SET count = count + 1;
    UPDATE speakers SET claim_count = claim_count + 1 WHERE id = new.speaker_id;
END;

CREATE TRIGGER claims_after_verdict AFTER UPDATE OF verdict ON claims
WHEN old.verdict <> new.verdict
BEGIN
    UPDATE verdict_counts SET count = count - 1 WHERE guild_id = old.guild_id AND verdict = old.verdict;
    INSERT INTO verdict_counts (guild_id, verdict, count) VALUES (new.guild_id, new.verdict, 1)
        ON CONFLICT (guild_id, verdict) DO UPDATE SET count = count + 1;
END;

CREATE TRIGGER claims_after_speaker AFTER UPDATE OF speaker_id ON claims
WHEN old.speaker_id <> new.speaker_id
BEGIN
    UPDATE speakers SET claim_count = claim_count - 1 WHERE id = old.speaker_id;
    UPDATE speakers SET claim_count = claim_count + 1 WHERE id = new.speaker_id;
END;

CREATE TRIGGER claims_after_text AFTER UPDATE OF statement, speaker_id, role ON claims
BEGIN
    DELETE FROM claim_fts WHERE rowid = old.id;
    INSERT INTO claim_fts (rowid, guild, statement, speaker, role)
    VALUES (new.id, 'g' || new.guild_id, new.statement,
            (SELECT group_concat(name, ' ') FROM speaker_names WHERE speaker_id = new.speaker_id),
            new.role);
END;

CREATE TRIGGER speaker_names_after_insert AFTER INSERT ON speaker_names
BEGIN
    UPDATE claim_fts
       SET speaker = (SELECT group_concat(name, ' ') FROM speaker_names WHERE speaker_id = new.speaker_id)
     WHERE rowid IN (SELECT id FROM claims WHERE speaker_id = new.speaker_id);
END;
