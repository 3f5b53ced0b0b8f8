"""What a student search matches: text folded to plain lower-case words, and each student's
search key and index tokens (see `store/students.py` for how the index is read).

Folding lower-cases, removes accents, turns "Ł" to "l" and "ß" to "ss" and drops apostrophes:
'Nguyễn' and 'nguyen' are the same word. The review queue's search folds the same way.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Letters NFKD leaves alone: they are letters of their own, not a letter plus an accent.
_SPECIAL = str.maketrans({
    "ł": "l", "Ł": "l", "ø": "o", "Ø": "o", "đ": "d", "Đ": "d", "ð": "d", "Ð": "d",
    "ß": "ss", "ẞ": "ss", "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe", "þ": "th", "Þ": "th",
    "ı": "i", "ħ": "h", "Ħ": "h", "ŀ": "l", "Ŀ": "l", "ŧ": "t", "Ŧ": "t", "ĸ": "k",
    "ʼ": "", "’": "", "‘": "", "'": "", "`": "", "´": "",
})
_SPLIT = re.compile(r"[^0-9a-z]+")


_COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


@lru_cache(maxsize=131072)
def fold(text: str) -> str:
    """`text` in lower case ASCII where it can be: 'Nguyễn' → 'nguyen', 'Łukasz' → 'lukasz'."""
    if text.isascii():
        return text.lower().replace("'", "").replace("`", "")
    text = unicodedata.normalize("NFKD", text.translate(_SPECIAL))
    text = _COMBINING.sub("", text)
    if not text.isascii():
        text = "".join(c for c in text if not unicodedata.combining(c))
    return text.lower()


def words(text: str) -> list[str]:
    """The folded words of `text` (what a query is split into)."""
    return [w for w in _SPLIT.split(fold(text)) if w]


_KEY_WORDS = re.compile("[ \x1f]+")


@lru_cache(maxsize=65536)
def _key_part(name: str) -> tuple[str, str, tuple[str, ...]]:
    """One name's words for the key, the words run together when there are several, the words."""
    parts = tuple(words(name))
    return " ".join(parts), ("".join(parts) if len(parts) > 1 else ""), parts


def _number_part(local_number: str) -> tuple[str, str, tuple[str, ...]]:
    """`_key_part` for a local number: each is different, so not cached."""
    if local_number.isalnum() and local_number.isascii():
        word = local_number.lower()
        return word, "", (word,)
    return _key_part.__wrapped__(local_number)


def index_entry(last: str, first: str, preferred: str, local_number: str,
           mosis_id: str | None) -> tuple[str, tuple[str, ...]]:
    """A student's search key, and the tokens of their `student_tokens` rows: every word but
    the last name's first (their '' row serves it) and the MOSIS ID (students' index does).
    The same row from two sources is read once."""
    lw, lj, lt = _key_part(last)
    fw, fj, ft = _key_part(first)
    pw, pj, pt = _key_part(preferred)
    nw, nj, nt = _number_part(local_number)
    tokens = lt[1:] + ft + pt + nt  # a repeat is harmless: rows are inserted OR IGNORE
    joined = ""
    if lj or fj or pj or nj:
        joined = " ".join(j for j in (lj, fj, pj, nj) if j)
        tokens += tuple(joined.split(" "))
    return f"\x1f{lw}\x1f{fw}\x1f{pw}\x1f{nw}\x1f{mosis_id or ''}\x1f{joined}", tokens


def search_key(last: str, first: str, preferred: str, local_number: str,
               mosis_id: str | None) -> str:
    """A student's folded names and numbers: the sort order within a token, and what the further
    words of a query are checked against.

    "\x1f" + last + "\x1f" + first + "\x1f" + preferred + "\x1f" + local number + "\x1f" + MOSIS ID
    + "\x1f" + names run together; words inside a field are separated by spaces. Every word
    starts after a space or a "\x1f", so "is `w` a prefix of one of this student's words" is
    `instr(key, ' ' || w) OR instr(key, char(31) || w)`.
    """
    return index_entry(last, first, preferred, local_number, mosis_id)[0]


def first_word(key: str) -> str:
    """The first word of a search key: the last name's (what the student's '' row is found by)."""
    return _KEY_WORDS.split(key, 2)[1]


def key_tokens(key: str) -> set[str]:
    """The tokens a search key stands for: each of its words."""
    return {w for w in _KEY_WORDS.split(key) if w}


def student_tokens(last: str, first: str, preferred: str, local_number: str,
                   mosis_id: str | None) -> set[str]:
    """What a search matches: names (last, first, preferred), local number and MOSIS ID."""
    return key_tokens(search_key(last, first, preferred, local_number, mosis_id))
