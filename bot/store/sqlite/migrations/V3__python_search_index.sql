-- The search index holds the terms bot.domain.text makes, the same terms on every backend, instead of
-- tokenising the columns itself: the store writes them, so the triggers that fed FTS5 go. A meta row
-- records which analyser built the index; 0 makes the next start rebuild it (bot/store/sqlite/index.py).
DROP TRIGGER claims_after_insert;
DROP TRIGGER claims_after_text;
DROP TRIGGER speaker_names_after_insert;
DROP TABLE claim_fts;

-- The guild is a token of its own ('g123') so a match is narrowed to one guild inside the index.
-- Terms arrive folded, letters and digits only: the tokenizer splits them on spaces and nothing else.
CREATE VIRTUAL TABLE claim_fts USING fts5(
    guild, terms,
    tokenize = 'unicode61 remove_diacritics 0',
    prefix = '2 3'
);

CREATE TRIGGER claims_after_insert AFTER INSERT ON claims
BEGIN
    INSERT INTO verdict_counts (guild_id, verdict, count) VALUES (new.guild_id, new.verdict, 1)
        ON CONFLICT (guild_id, verdict) DO UPDATE SET count = count + 1;
    UPDATE speakers SET claim_count = claim_count + 1 WHERE id = new.speaker_id;
END;

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;
INSERT INTO meta (key, value) VALUES ('index_version', '0');
