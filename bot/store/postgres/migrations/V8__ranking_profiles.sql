-- The ranking profile of each claim (bot.domain.matching.encode_profile), written with its terms from
-- the same text, so that ranking reads it instead of each candidate's text. Empty until the index is
-- rebuilt: the lexeme layout's version (search.LEXEME_FORMAT) changed with it, which makes the next
-- start rebuild every claim's terms and profile.
ALTER TABLE claims ADD COLUMN profile text NOT NULL DEFAULT '';
