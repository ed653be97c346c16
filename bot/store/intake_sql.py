"""SQL both backends write the same way for the moderators' queue: a submission's columns, with its
request count and the numbers of the claims it was matched to or became (bot.domain.intake.Submission)."""

SUBMISSION_COLUMNS = """
    s.id, s.guild_id, s.number, s.status, s.revision, s.statement, s.speaker, s.where_when, s.link,
    s.message_url, s.message_at, s.author_name, s.submitter_id, s.submitter_name, s.created_at,
    (SELECT count(*) FROM submission_requests r WHERE r.submission_id = s.id) AS requests,
    (SELECT number FROM claims c WHERE c.id = s.suggested_id) AS suggested,
    (SELECT number FROM claims c WHERE c.id = s.claim_id) AS claim_number
"""
