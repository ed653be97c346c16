"""Claims, verdicts and the rules about them: no SQL, no Discord."""
