-- The search index takes each change into its trees at once (fastupdate off), instead of in a pending
-- list that every search then reads through until a vacuum or a 4 MB list merges it. A desk changes
-- verdicts while members search: with the list, 2,000 changes made Check claims 50 % slower on the
-- benchmark's store of 100,000 claims (3.0 -> 4.5 ms) and the change that filled the list waited for
-- the merge. Through the bot at 100,000 claims (/mod status, then Check claims): Check claims' server
-- CPU 8.8 -> 4.2 ms and p99 at 200/s 2.8 s -> 20 ms; a change's server CPU 2.3 -> 8.6 ms, no longer
-- deferred to the searches after it (241 -> 146 changes/s, p99 at 200/s 19 -> 36 ms). A 128 kB list
-- instead: 7.5 ms a change, p99 205 ms, the merges inline (BENCHMARKS.md). Reads outnumber a desk's
-- verdict changes by far. What is pending now is merged here.
ALTER INDEX claims_terms SET (fastupdate = off);
SELECT gin_clean_pending_list('claims_terms');
