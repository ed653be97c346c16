-- The ranking profile of each claim (bot.domain.matching.encode_profile) beside its terms in the index
-- row, written with them, so that ranking reads it instead of analysing every candidate's text again.
-- FTS5 cannot add a column: the table is made again, and index_version 0 makes the next start rebuild it.
DROP TABLE claim_fts;
CREATE VIRTUAL TABLE claim_fts USING fts5(
    guild, terms, profile UNINDEXED,
    tokenize = 'unicode61 remove_diacritics 0',
    prefix = '2 3'
);
UPDATE meta SET value = '0' WHERE key = 'index_version';
