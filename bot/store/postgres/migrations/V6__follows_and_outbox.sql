-- PostgreSQL as SQLite's V7. Following and corrections (issue 12, part C): who follows what, the durable outbox of what a change must
-- cause (DMs, edits of the bot's earlier posts), the public messages that show a claim, and the marks the
-- sender leaves (DMs closed, edits refused). Independent of the other parts' tables.

-- A member follows a claim, a speaker or a story of one guild. target_id is the claims, speakers or
-- stories row id, which the desk read from the same guild first.
CREATE TABLE follows (
    guild_id   BIGINT NOT NULL REFERENCES guilds (id),
    user_id    BIGINT NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('claim', 'speaker', 'story')),
    target_id  BIGINT NOT NULL,
    created_at timestamptz NOT NULL,
    PRIMARY KEY (guild_id, user_id, kind, target_id)
);
CREATE INDEX follows_target ON follows (guild_id, kind, target_id);

-- What a change must cause, written in the change's own transaction; the sender (bot/delivery) takes a
-- row with a lease (lease_owner, leased_until), delivers it and marks it done. due_at is when it may be
-- delivered: a DM waits out the batching window, a failed delivery its backoff.
CREATE TABLE outbox (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    guild_id     BIGINT NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('dm', 'edit')),
    recipient    BIGINT NOT NULL,            -- dm: the member's user id; edit: posted_messages.id
    payload      TEXT NOT NULL,               -- JSON: what to say (bot.domain.follows)
    created_at timestamptz NOT NULL,
    due_at timestamptz NOT NULL,
    lease_owner  TEXT,
    leased_until timestamptz,
    attempts     BIGINT NOT NULL DEFAULT 0,
    done_at timestamptz,
    outcome      TEXT
);
CREATE INDEX outbox_due ON outbox (due_at, id) WHERE done_at IS NULL;
CREATE INDEX outbox_recipient ON outbox (guild_id, kind, recipient) WHERE done_at IS NULL;

-- The bot's public messages that show a claim (cards posted by /claim, announcements), the latest few
-- per claim, with what each showed when posted: an edit says "was X, now Y" against it.
CREATE TABLE posted_messages (
    id                BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    guild_id          BIGINT NOT NULL REFERENCES guilds (id),
    claim_id          BIGINT NOT NULL REFERENCES claims (id),
    channel_id        BIGINT NOT NULL,
    message_id        BIGINT NOT NULL UNIQUE,
    kind              TEXT NOT NULL CHECK (kind IN ('card', 'announcement')),
    shown_verdict     TEXT NOT NULL,
    shown_attribution TEXT NOT NULL,
    shown_revision    BIGINT NOT NULL,
    content           TEXT NOT NULL DEFAULT '',   -- an announcement's text as posted
    posted_at timestamptz NOT NULL
);
CREATE INDEX posted_messages_claim ON posted_messages (claim_id, id);

-- Members whose DMs refused the bot (Discord 50007): their DMs are not tried again until the mark is
-- cleared, and they are told once, the next time they use a command (told_at).
CREATE TABLE dm_closed (
    guild_id  BIGINT NOT NULL,
    user_id   BIGINT NOT NULL,
    marked_at timestamptz NOT NULL,
    told_at timestamptz,
    PRIMARY KEY (guild_id, user_id)
);

-- Channels where editing the bot's own earlier posts was refused (missing access or permission), shown
-- by /mod config until an edit there succeeds again.
CREATE TABLE edit_problems (
    guild_id   BIGINT NOT NULL,
    channel_id BIGINT NOT NULL,
    code       BIGINT NOT NULL,
    at         timestamptz NOT NULL,
    PRIMARY KEY (guild_id, channel_id)
);
