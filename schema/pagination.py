"""The words every connection's arguments share, so each says the same thing everywhere."""

FIRST = "How many to return: 0 to 500, default 50."
AFTER = "A cursor from a previous page (`pageInfo.endCursor`): return what comes after it."
