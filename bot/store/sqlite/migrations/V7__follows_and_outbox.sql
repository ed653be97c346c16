-- Following and corrections (issue 12, part C): who follows what, the durable outbox of what a change must
-- cause (DMs, edits of the bot's earlier posts), the public messages that show a claim, and the marks the
-- sender leaves (DMs closed, edits refused). Independent of the other parts' tables.

-- A member follows a claim, a speaker or a story of one guild. target_id is the claims, speakers or
-- stories row id, which the desk read from the same guild first.
CREATE TABLE follows (
    guild_id   INTEGER NOT NULL REFERENCES guilds (id),
    user_id    INTEGER NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('claim', 'speaker', 'story')),
    target_id  INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (guild_id, user_id, kind, target_id)
) WITHOUT ROWID;
CREATE INDEX follows_target ON follows (guild_id, kind, target_id);

-- What a change must cause, written in the change's own transaction; the sender (bot/delivery) takes a
-- row with a lease (lease_owner, leased_until), delivers it and marks it done. due_at is when it may be
-- delivered: a DM waits out the batching window, a failed delivery its backoff.
CREATE TABLE outbox (
    id           INTEGER PRIMARY KEY,
    guild_id     INTEGER NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('dm', 'edit')),
    recipient    INTEGER NOT NULL,            -- dm: the member's user id; edit: posted_messages.id
    payload      TEXT NOT NULL,               -- JSON: what to say (bot.domain.follows)
    created_at   TEXT NOT NULL,
    due_at       TEXT NOT NULL,
    lease_owner  TEXT,
    leased_until TEXT,
    attempts     INTEGER NOT NULL DEFAULT 0,
    done_at      TEXT,
    outcome      TEXT
);
CREATE INDEX outbox_due ON outbox (due_at, id) WHERE done_at IS NULL;
CREATE INDEX outbox_recipient ON outbox (guild_id, kind, recipient) WHERE done_at IS NULL;

-- The bot's public messages that show a claim (cards posted by /claim, announcements), the latest few
-- per claim, with what each showed when posted: an edit says "was X, now Y" against it.
CREATE TABLE posted_messages (
    id                INTEGER PRIMARY KEY,
    guild_id          INTEGER NOT NULL REFERENCES guilds (id),
    claim_id          INTEGER NOT NULL REFERENCES claims (id),
    channel_id        INTEGER NOT NULL,
    message_id        INTEGER NOT NULL UNIQUE,
    kind              TEXT NOT NULL CHECK (kind IN ('card', 'announcement')),
    shown_verdict     TEXT NOT NULL,
    shown_attribution TEXT NOT NULL,
    shown_revision    INTEGER NOT NULL,
    content           TEXT NOT NULL DEFAULT '',   -- an announcement's text as posted
    posted_at         TEXT NOT NULL
);
CREATE INDEX posted_messages_claim ON posted_messages (claim_id, id);

-- Members whose DMs refused the bot (Discord 50007): their DMs are not tried again until the mark is
-- cleared, and they are told once, the next time they use a command (told_at).
CREATE TABLE dm_closed (
    guild_id  INTEGER NOT NULL,
    user_id   INTEGER NOT NULL,
    marked_at TEXT NOT NULL,
    told_at   TEXT,
    PRIMARY KEY (guild_id, user_id)
) WITHOUT ROWID;

-- Channels where editing the bot's own earlier posts was refused (missing access or permission), shown
-- by /mod config until an edit there succeeds again.
CREATE TABLE edit_problems (
    guild_id   INTEGER NOT NULL,
    channel_id INTEGER NOT NULL,
    code       INTEGER NOT NULL,
    at         TEXT NOT NULL,
    PRIMARY KEY (guild_id, channel_id)
) WITHOUT ROWID;
