"""What every cog shares: the moderator check, claim and speaker options, replies and error handling."""
