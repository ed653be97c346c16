-- Prefix indexes for 7 to 10 characters too. A typed word longer than the longest prefix index (a
-- stem such as "ministri" or "investig") is answered by merging the doclists of every term that begins
-- with it, and at 100,000 claims a common one of those cost 0.3-4 ms where an indexed prefix costs
-- ~0.09: claims_with_prefixes on the benchmark's queries ~370 -> ~185 µs, for a file ~10 % larger and
-- index writes ~60 % dearer (BENCHMARKS.md). Past 10 characters stems are rare. Rows copied as they are.
CREATE VIRTUAL TABLE claim_fts_v13 USING fts5(
    guild, terms, profile UNINDEXED,
    tokenize = 'unicode61 remove_diacritics 0',
    prefix = '2 3 4 5 6 7 8 9 10'
);
INSERT INTO claim_fts_v13 (rowid, guild, terms, profile) SELECT rowid, guild, terms, profile FROM claim_fts;
DROP TABLE claim_fts;
ALTER TABLE claim_fts_v13 RENAME TO claim_fts;
INSERT INTO claim_fts (claim_fts) VALUES ('optimize');
