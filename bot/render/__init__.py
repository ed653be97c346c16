"""Discord types made from domain objects: embeds, views, choices and message text; no store, no I/O."""
