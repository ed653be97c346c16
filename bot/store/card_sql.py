"""SQL both backends write the same way: the card stamp's second half (bot/render/card_cache.py), and
what the card's standing is made of.

What a card shows of its related claims changes only with their revisions, which only go up; their sum
therefore changes whenever any of them changes or a relation is added.
"""

RELATED_REVISIONS = (
    "(SELECT coalesce(sum(o.revision), 0) FROM relations r JOIN claims o ON o.id = r.target_id "
    "WHERE r.source_id = c.id) + (SELECT coalesce(sum(o.revision), 0) FROM relations r "
    "JOIN claims o ON o.id = r.source_id WHERE r.target_id = c.id) AS related_revisions"
)

# A claim's standing (issue 11): how many members asked about it, and when its verdict was last set or
# reviewed (NULL: never). Read with the claim looked up by number, so /claim needs no statement for it.
STANDING_COLUMNS = (
    "(SELECT count(*) FROM claim_requests q WHERE q.claim_id = c.id) AS asked, "
    "(SELECT h.at FROM history h WHERE h.claim_id = c.id AND h.field IN ('verdict', 'review') "
    "ORDER BY h.id DESC LIMIT 1) AS as_of"
)

# Whether the member asking is owed notices (bot/desk/notices.py), read with the claim their option
# names, so the notices hook (cogs/intake.py) needs no statement of its own for the usual member owed
# nothing. `{member}` is the backend's placeholder.
ASKER_OWED = (
    "EXISTS (SELECT 1 FROM notices n WHERE n.guild_id = c.guild_id AND n.member_id = {member} "
    "AND n.delivered_at IS NULL) AS asker_owed"
)
