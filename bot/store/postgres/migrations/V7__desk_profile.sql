-- Exports (issue 12): who publishes the desk's ClaimReviews, set with /mod config desk_name: desk_url:.
-- Empty when not set; the export says what is missing. Bounded as /mod config bounds them.
ALTER TABLE guilds ADD COLUMN desk_name TEXT NOT NULL DEFAULT '' CHECK (length(desk_name) <= 100);
ALTER TABLE guilds ADD COLUMN desk_url TEXT NOT NULL DEFAULT '' CHECK (length(desk_url) <= 512);
