"""The desk's claims as files: ClaimReview JSON-LD, CSV, and the story file `/mod import` reads.

Each renderer is pure: domain objects in, text out, a page of claims at a time so that a large server
is written as it is read (bot.desk.exports drives them; nothing here knows Discord or a database).
"""
