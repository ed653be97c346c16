"""SQL both backends write the same way: the card stamp's second half (bot/render/card_cache.py).

What a card shows of its related claims changes only with their revisions, which only go up; their sum
therefore changes whenever any of them changes or a relation is added.
"""

RELATED_REVISIONS = (
    "(SELECT coalesce(sum(o.revision), 0) FROM relations r JOIN claims o ON o.id = r.target_id "
    "WHERE r.source_id = c.id) + (SELECT coalesce(sum(o.revision), 0) FROM relations r "
    "JOIN claims o ON o.id = r.source_id WHERE r.target_id = c.id) AS related_revisions"
)
