-- (PostgreSQL's twin of SQLite's V6.) Requests, submissions and the moderators' queue (issue 11): what members ask the desk to check, the
-- moderators' decisions on it, the reminders owed to members, and each server's review intervals.
-- Independent of the other parts' tables: it only points at guilds and claims.

-- Per guild: the submission counter (numbers come from this row, never from max()+1) and the queue channel.
CREATE TABLE intake_guilds (
    guild_id               BIGINT PRIMARY KEY REFERENCES guilds (id),
    next_submission_number BIGINT NOT NULL DEFAULT 1,
    queue_channel_id       BIGINT
);

-- A review interval per verdict, in days, where the server changed the default; days NULL is "never".
CREATE TABLE review_intervals (
    guild_id BIGINT NOT NULL REFERENCES guilds (id),
    verdict  TEXT NOT NULL,
    days     BIGINT CHECK (days IS NULL OR days > 0),
    PRIMARY KEY (guild_id, verdict)
);

-- Something a member asked the desk to check that no tracked claim covered: from a message (Request a
-- check) or from the /submit form. Drafts are /submit forms waiting for the member's "is it #7?" answer.
CREATE TABLE submissions (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    guild_id       BIGINT NOT NULL REFERENCES guilds (id),
    number         BIGINT NOT NULL,
    status         TEXT NOT NULL CHECK (status IN ('draft', 'open', 'matched', 'accepted', 'merged', 'rejected')),
    revision       BIGINT NOT NULL DEFAULT 0,
    statement      TEXT NOT NULL,
    speaker        TEXT NOT NULL DEFAULT '',
    where_when     TEXT NOT NULL DEFAULT '',
    link           TEXT NOT NULL DEFAULT '',
    message_id     BIGINT,
    message_url    TEXT NOT NULL DEFAULT '',
    message_at     timestamptz,
    author_name    TEXT NOT NULL DEFAULT '',
    submitter_id   BIGINT NOT NULL,
    submitter_name TEXT NOT NULL,
    suggested_id   BIGINT REFERENCES claims (id),  -- the claim the matcher thought it was
    claim_id       BIGINT REFERENCES claims (id),  -- the claim it became or was merged into
    created_at     timestamptz NOT NULL,
    updated_at     timestamptz NOT NULL,
    UNIQUE (guild_id, number),
    UNIQUE (guild_id, message_id)                   -- one submission per message; more members, more requests
);
CREATE INDEX submissions_open ON submissions (guild_id, status, id);

-- Who asked: once per member per submission, and once per member per claim. A submission's requests
-- are copied to the claim it becomes or is merged into (submission_id says where they came from).
CREATE TABLE submission_requests (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    guild_id      BIGINT NOT NULL REFERENCES guilds (id),
    submission_id BIGINT NOT NULL REFERENCES submissions (id),
    member_id     BIGINT NOT NULL,
    at            timestamptz NOT NULL,
    UNIQUE (submission_id, member_id)
);
CREATE TABLE claim_requests (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    guild_id      BIGINT NOT NULL REFERENCES guilds (id),
    claim_id      BIGINT NOT NULL REFERENCES claims (id),
    member_id     BIGINT NOT NULL,
    submission_id BIGINT REFERENCES submissions (id),
    at            timestamptz NOT NULL,
    UNIQUE (claim_id, member_id)
);
CREATE INDEX claim_requests_guild ON claim_requests (guild_id, claim_id);

-- The per-member limit, as one row per member that a single statement checks and charges (a
-- compare-and-set, so several processes on one database cannot together let a member past it).
CREATE TABLE intake_quota (
    guild_id     BIGINT NOT NULL REFERENCES guilds (id),
    member_id    BIGINT NOT NULL,
    window_start timestamptz NOT NULL,
    used         BIGINT NOT NULL,
    PRIMARY KEY (guild_id, member_id)
);

-- Every decision on a submission: who, when, why. Append-only.
CREATE TABLE submission_decisions (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    guild_id      BIGINT NOT NULL REFERENCES guilds (id),
    submission_id BIGINT NOT NULL REFERENCES submissions (id),
    decision      TEXT NOT NULL,
    claim_id      BIGINT REFERENCES claims (id),
    reason        TEXT NOT NULL DEFAULT '',
    note          TEXT NOT NULL DEFAULT '',
    actor_id      BIGINT NOT NULL,
    actor_name    TEXT NOT NULL,
    at            timestamptz NOT NULL
);
CREATE INDEX submission_decisions_of ON submission_decisions (submission_id, id);
CREATE FUNCTION submission_decisions_are_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'submission decisions are append-only (% refused)', TG_OP
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$;
CREATE TRIGGER submission_decisions_append_only BEFORE UPDATE OR DELETE ON submission_decisions
    FOR EACH ROW EXECUTE FUNCTION submission_decisions_are_append_only();

-- What a member is owed a word about (a decision on their submission): shown with their next command's
-- answer in that server, or sent by DM; a DM that failed is recorded here and the notice stays owed.
CREATE TABLE notices (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    guild_id      BIGINT NOT NULL REFERENCES guilds (id),
    member_id     BIGINT NOT NULL,
    text          TEXT NOT NULL,
    created_at    timestamptz NOT NULL,
    delivered_at  timestamptz,
    delivered_via TEXT CHECK (delivered_via IN ('command', 'dm')),
    dm_failure    TEXT
);
CREATE INDEX notices_owed ON notices (guild_id, member_id, id) WHERE delivered_at IS NULL;
