-- Verdict changes in one guild no longer deadlock. The count trigger used to decrement the old verdict's
-- row and then upsert the new one's, so two changes in opposite directions (false -> confirmed and
-- confirmed -> false, on two claims) could each hold one row and wait for the other's: PostgreSQL then
-- aborted one after deadlock_timeout (BENCHMARKS.md, "Where the time goes on PostgreSQL").
--
-- Now every guild has a row for every verdict (count 0 until used), and the trigger locks the two rows it
-- will change in one order, by verdict, before changing either: the second change waits for the first.

INSERT INTO verdict_counts (guild_id, verdict, count)
SELECT g.id, v.verdict, 0
  FROM guilds g
 CROSS JOIN (VALUES ('unverified'), ('investigating'), ('disputed'), ('confirmed'), ('false'), ('misleading'))
       AS v (verdict)
ON CONFLICT (guild_id, verdict) DO NOTHING;

CREATE FUNCTION guilds_count_every_verdict() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO verdict_counts (guild_id, verdict, count)
    SELECT NEW.id, v.verdict, 0
      FROM (VALUES ('unverified'), ('investigating'), ('disputed'), ('confirmed'), ('false'), ('misleading'))
           AS v (verdict)
    ON CONFLICT (guild_id, verdict) DO NOTHING;
    RETURN NULL;
END;
$$;
CREATE TRIGGER guilds_counted_on_insert AFTER INSERT ON guilds
    FOR EACH ROW EXECUTE FUNCTION guilds_count_every_verdict();

CREATE OR REPLACE FUNCTION claims_count_verdict_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- Both rows, in one order, before either is changed (a Sort under LockRows locks them as sorted).
    PERFORM 1 FROM verdict_counts
      WHERE (guild_id, verdict) IN ((OLD.guild_id, OLD.verdict), (NEW.guild_id, NEW.verdict))
      ORDER BY guild_id, verdict
        FOR UPDATE;
    UPDATE verdict_counts SET count = count - 1 WHERE guild_id = OLD.guild_id AND verdict = OLD.verdict;
    INSERT INTO verdict_counts AS vc (guild_id, verdict, count) VALUES (NEW.guild_id, NEW.verdict, 1)
    ON CONFLICT (guild_id, verdict) DO UPDATE SET count = vc.count + 1;
    RETURN NULL;
END;
$$;
