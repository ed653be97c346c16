-- How lists refer to a speaker after the first mention ("Kim" for Kim Jong Un, whose surname comes
-- first). Empty: the renderer's default, a person's last name or a body's whole name.
ALTER TABLE speakers ADD COLUMN short_name TEXT NOT NULL DEFAULT '';
