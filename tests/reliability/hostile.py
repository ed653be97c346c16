"""What a hostile member types: FTS and SQL syntax, quotes, markdown, mentions, invisible and
right-to-left characters, emoji, control characters and 6,000-character strings, alone and mixed."""

from __future__ import annotations

from hypothesis import strategies as st

# Snowflake-shaped ids: a mention of any id is a ping if allowed_mentions would parse it.
SOME_ID = "1575079577292767237"

NASTY = [
    # FTS5 syntax
    '"',
    '""',
    '"troops',
    "NEAR(troops soldiers, 2)",
    "troops*",
    "^troops",
    "statement:troops",
    "{statement speaker}: troops",
    'guild : "g1" OR',
    "AND",
    "OR NOT",
    "(",
    ")",
    "-troops",
    "troops AND NOT korea",
    "*",
    # SQL and LIKE
    "'",
    "' OR 1=1 --",
    "'; DROP TABLE claims; --",
    "%",
    "_",
    "\\",
    "%_%\\",
    "1; SELECT * FROM guilds",
    # markdown
    "**bold**",
    "__under__",
    "`code`",
    "```py\nprint(1)\n```",
    "||spoiler||",
    "> quoted",
    "# Heading",
    "-# subtext",
    "[link](https://evil.example/)",
    "~~struck~~",
    "*",
    # mentions and Discord markup
    "@everyone",
    "@here",
    f"<@&{SOME_ID}>",
    f"<@{SOME_ID}>",
    f"<@!{SOME_ID}>",
    f"<#{SOME_ID}>",
    "</mod status:1>",
    "<t:0:R>",
    "<:blob:1>",
    # invisible, direction, combining
    "\u200b",
    "\u200d",
    "\ufeff",
    "\u2060",
    "\u202e",
    "\u202d",
    "\u2067",
    "\u061c",
    "مرحبا",
    "שלום",
    "e\u0301",
    "Z̴̡͓a̷l̸g̴o̵",
    # emoji
    "🧨",
    "👨‍👩‍👧‍👦",
    "🇺🇦",
    "🏳️‍🌈",
    # control characters and line breaks
    "\x00",
    "\x1b[31m",
    "\r\n",
    "\t",
    "\x7f",
    "\u0085",
    "\u2028",
    # numbers that are and are not claim numbers
    "#",
    "#0",
    "#-1",
    "-1",
    "0",
    "99999999999",
    "#1e9",
    "١٢",
    "１２",
    "#7 #8",
    " # 2 ",
    # what autocomplete values look like, forged
    "id:1",
    "id:0",
    "id:99999999999999999999",
    "id:-1",
    # links
    "https://",
    "javascript:alert(1)",
    "http://a b",
    "https://example.com/" + "a" * 600,
    "https://example.com/?q=<@&1>",
    # plain words that match claims
    "troops",
    "Zelensky",
    "North Korea",
]

LONG = 6_000


def _long(piece: str) -> str:
    return (piece * (LONG // max(1, len(piece)) + 1))[:LONG]


hostile_text = st.one_of(
    st.sampled_from(NASTY),
    st.lists(st.one_of(st.sampled_from(NASTY), st.text(max_size=12)), min_size=1, max_size=8).map(" ".join),
    st.lists(st.sampled_from(NASTY), min_size=2, max_size=6).map("".join),
    st.text(max_size=80),
    st.sampled_from([*NASTY[:20], "troops ", "a", "🧨", "\u202e", "@everyone "]).map(_long),
)


def clipped(text: str, limit: int, *, required: bool) -> str:
    """What a Discord client lets through: at most `limit` characters, and something in a required input."""
    text = text[:limit]
    return text if text or not required else "·"
