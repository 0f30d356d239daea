"""The role of each link in an item (paper, code, other) and what badges say (venue, year).

URL -> identifier parsing is ids.py's; here only roles are decided.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urlsplit

from empathy_bib import ids
from empathy_bib.readme.inline import Runs
from empathy_bib.readme.items import Link


# Link texts that name a kind of resource, not a paper: `[pdf]`, `[Paper]`, `[code]`...
def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_LABEL_WORDS = _words(
    """paper papers pdf abs abstract arxiv code codes github gitlab project page homepage website web
    site blog demo dataset datasets data model models video slides slide poster link links html
    openreview doi acl anthology official pytorch tensorflow jax huggingface hf hugging face url bib
    bibtex citation cite supp supplementary repo repository leaderboard benchmark talk tweet twitter
    checkpoint checkpoints weights online interface notes note review reviews semantic scholar
    proceedings springer ieee acm published version preprint full text download here this source
    implementation zhihu report technical tech the official and & of"""
)
_CODE_LABELS = frozenset(
    {
        "code",
        "github",
        "gitlab",
        "repo",
        "repository",
        "implementation",
        "source code",
        "official code",
        "pytorch",
    }
)
_ARXIV_LIKE = re.compile(r"^(?:arxiv:?\s*)?\d{4}\.\d{4,5}(?:v\d+)?$", re.IGNORECASE)
_SHIELDS_HOSTS = ("img.shields.io", "shields.io", "badgen.net", "flat.badgen.net")
# Badge labels that say something other than where a paper appeared.
_NOT_VENUE = _words(
    """license licence stars star forks github python pytorch prs pr awesome visitors visitor
    demo dataset data blog video slides huggingface hf twitter discord youtube linkedin share docs
    leaderboard homepage page project website web interface model models code pdf paper
    contributors commit last build status version downloads made maintained follow join
    subscribe wechat zhihu colab kaggle open"""
)
_YEAR_LABELS = frozenset({"year", "date", "published", "time"})
_VENUE_LABELS = frozenset(
    {"conference", "venue", "accepted", "accepted at", "published at", "published in", "journal"}
)
YEAR_RE = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")


@dataclass(frozen=True)
class Badge:
    venue: str  # "" when the badge names no venue
    year: int | None


def is_label(text: str) -> bool:
    """Link text that names a resource (`pdf`, `[Paper]`, `Code`, an arXiv id, a URL), not a title."""
    bare = text.strip().strip("[](){}<>|:;,.!*_-–— ").lower()
    if len(bare) <= 2 or bare.startswith(("http://", "https://", "www.")) or _ARXIV_LIKE.match(bare):
        return True
    words = re.findall(r"[a-z]+|[^\sa-z\d]", bare)
    return bool(words) and all(w in _LABEL_WORDS or not w.isalpha() for w in words) and len(words) <= 4


def link_kind(url: str, text: str) -> str:
    if ids.is_paper_url(url):
        return "paper"
    if ids.is_code_url(url) or text.strip().strip("[]() ").lower() in _CODE_LABELS:
        return "code"
    return "other"


def item_links(runs: Runs) -> list[Link]:
    """The links of an item's runs, in order, with their text (an image's alt text) and role."""
    texts: dict[int, list[str]] = {}
    for run in runs.runs:
        if run.link is not None:
            texts.setdefault(run.link, []).append(run.text)
    links = []
    for index, target in enumerate(runs.links):
        if not target.url or target.url.startswith("#"):
            continue
        text = " ".join("".join(texts.get(index, [])).split())
        links.append(Link(target.url, text, target.line, link_kind(target.url, text)))
    return links


def _badge_parts(src: str) -> tuple[str, str] | None:
    """(label, message) of a shields.io-style badge URL, or None."""
    try:
        parts = urlsplit(src.strip())
    except ValueError:
        return None
    if parts.hostname not in _SHIELDS_HOSTS:
        return None
    if parts.path.startswith("/static/"):
        query = parse_qs(parts.query)
        return (query.get("label", [""])[0], query.get("message", [""])[0])
    if not parts.path.startswith("/badge/"):
        return None
    content = unquote(parts.path[len("/badge/") :]).removesuffix(".svg").removesuffix(".png")
    pieces = [p.replace("\0", "-") for p in content.replace("--", "\0").split("-")]
    pieces = [p.replace("__", "\0").replace("_", " ").replace("\0", "_").strip() for p in pieces]
    if len(pieces) >= 3:
        return (pieces[0], "-".join(pieces[1:-1]))
    if len(pieces) == 2:
        return ("", pieces[0])
    return None


def badge(src: str, alt: str) -> Badge | None:
    """What a shields.io badge says about venue and year: `ACL-2024-blue` is "ACL 2024"; a badge
    labelled "Year" gives only a year; licence, stars, PDF... badges say nothing."""
    parts = _badge_parts(src)
    if parts is None:
        return None
    label, message = parts
    year = _year(message) or _year(label)
    if label.lower() in _YEAR_LABELS:
        return Badge("", year)
    if label.lower() in _VENUE_LABELS:
        label = ""
    venue = " ".join(f"{label} {message}".split())
    named = {w.lower() for w in re.findall(r"[A-Za-z]+", label or message)}
    # A venue badge names its year (`ACL-2024`); `Project-Page`, `Google-Gemini` and the like do not.
    if named & _NOT_VENUE or not re.search("[A-Za-z]", venue) or year is None:
        alt_year = _year(alt)
        return Badge(alt.strip(), alt_year) if alt_year and re.search("[A-Za-z]", alt) else None
    return Badge(venue, year)


def _year(text: str) -> int | None:
    m = YEAR_RE.search(text)
    return int(m.group(1)) if m else None
