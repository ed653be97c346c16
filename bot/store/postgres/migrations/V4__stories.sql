-- Several stories per server (issue 11). A story a moderator has edited (/mod story edit) is no longer
-- overwritten by its seed file or an import: `moderated`, as for claims. The index serves a story's
-- board (claims per verdict) and the story filter of /claim, /search, /who-said and /status.
ALTER TABLE stories ADD COLUMN moderated BOOLEAN NOT NULL DEFAULT false;
CREATE INDEX claims_story ON claims (story_id, verdict);
