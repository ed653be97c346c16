-- Prefix indexes for 4 to 6 characters as well as 2 and 3. /search and autocomplete take every typed
-- word as a prefix ("korea" finds "korean"), and FTS5 answers a prefix of a length it has no index for
-- by merging the doclists of every term that begins with it: in a guild of 100,000 claims, half of a
-- search's time. With them, claims_with_prefixes on the benchmark's queries 1.27 -> 0.70 ms, for an
-- index ~15 % larger (BENCHMARKS.md). The rows are copied as they are: same terms, same profiles.
CREATE VIRTUAL TABLE claim_fts_v11 USING fts5(
    guild, terms, profile UNINDEXED,
    tokenize = 'unicode61 remove_diacritics 0',
    prefix = '2 3 4 5 6'
);
INSERT INTO claim_fts_v11 (rowid, guild, terms, profile) SELECT rowid, guild, terms, profile FROM claim_fts;
DROP TABLE claim_fts;
ALTER TABLE claim_fts_v11 RENAME TO claim_fts;
INSERT INTO claim_fts (claim_fts) VALUES ('optimize');
