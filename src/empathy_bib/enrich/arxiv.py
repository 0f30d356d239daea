"""arXiv API client: the Atom feed of `/api/query?id_list=...`, parsed with ElementTree.

Ids are batched into one `id_list` per request (arXiv asks for about one request every 3 s).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import requests

from .. import ids
from ..errors import NetworkError
from .http import fetch, forget
from .records import Name, Work
from .services import ServiceConfig

SERVICE = "arXiv"
BATCH = 100
NS = {"atom": "http://www.w3.org/2005/Atom", "arxiv": "http://arxiv.org/schemas/atom"}


def get_many(session: requests.Session, config: ServiceConfig, arxiv_ids: list[str]) -> dict[str, Work]:
    """Works by arXiv id (version stripped); ids arXiv does not know are simply absent."""
    wanted = sorted({ids.strip_arxiv_version(i) for i in arxiv_ids if i})
    found: dict[str, Work] = {}
    for start in range(0, len(wanted), BATCH):
        batch = wanted[start : start + BATCH]
        found.update(_query(session, config, batch))
    return found


def get(session: requests.Session, config: ServiceConfig, arxiv_id: str) -> Work | None:
    return get_many(session, config, [arxiv_id]).get(ids.strip_arxiv_version(arxiv_id))


def search(session: requests.Session, config: ServiceConfig, title: str, rows: int = 5) -> list[Work]:
    """Candidates for a title (`search_query=ti:"..."`, its words as one phrase), unvalidated."""
    words = re.findall(r"\w+", title)
    if not words:
        return []
    url = f"{config.arxiv_url}/api/query"
    params = {"search_query": 'ti:"' + " ".join(words) + '"', "max_results": str(rows)}
    response = fetch(session, config, SERVICE, url, params)
    if response is None:
        return []
    try:
        return parse_feed(response.content)
    except ET.ParseError as exc:
        forget(session, response)
        raise NetworkError(f"{SERVICE}: malformed Atom feed from {response.url} ({exc}); try later") from None


def _query(session: requests.Session, config: ServiceConfig, batch: list[str]) -> dict[str, Work]:
    url = f"{config.arxiv_url}/api/query"
    params = {"id_list": ",".join(batch), "max_results": str(len(batch))}
    response = fetch(session, config, SERVICE, url, params)
    if response is None:
        return {}
    try:
        works = parse_feed(response.content)
    except ET.ParseError as exc:
        forget(session, response)
        raise NetworkError(f"{SERVICE}: malformed Atom feed from {response.url} ({exc}); try later") from None
    return {w.arxiv_id: w for w in works if w.arxiv_id in batch}


def parse_feed(data: bytes) -> list[Work]:
    """The entries of an Atom feed; ET.ParseError for anything else (an XHTML page is XML too)."""
    root = ET.fromstring(data)
    if root.tag != f"{{{NS['atom']}}}feed":
        raise ET.ParseError(f"not an Atom feed: the root element is <{root.tag}>")
    return [w for w in (_entry(e) for e in root.findall("atom:entry", NS)) if w is not None]


def _entry(entry: ET.Element) -> Work | None:
    abs_url = _find(entry, "atom:id")
    arxiv_id = ids.arxiv_from_url(abs_url) if abs_url else None
    if arxiv_id is None:  # arXiv reports a bad id as an entry titled "Error"
        return None
    published = _find(entry, "atom:published")
    year = int(published[:4]) if published[:4].isdigit() else None
    month = int(published[5:7]) if published[5:7].isdigit() else None
    doi = _find(entry, "arxiv:doi")
    return Work(
        source="arxiv",
        title=" ".join(_find(entry, "atom:title").split()),
        authors=tuple(_name(n) for n in _all(entry, "atom:author/atom:name")),
        year=year,
        month=month,
        type="Preprint",
        publisher="arXiv",
        arxiv_id=arxiv_id,
        doi=ids.arxiv_doi(arxiv_id),
        url=ids.arxiv_url(arxiv_id),
        abstract=" ".join(_find(entry, "atom:summary").split()),
        journal_ref=" ".join(_find(entry, "arxiv:journal_ref").split()),
        related_dois=(doi,) if doi else (),
        extra=_extra(entry, abs_url),
    )


def _extra(entry: ET.Element, abs_url: str) -> dict[str, str]:
    """The feed's latest version number and the authors' comment (it says when one was withdrawn)."""
    extra: dict[str, str] = {}
    version = ids.arxiv_version(abs_url)
    if version is not None:
        extra["version"] = str(version)
    comment = " ".join(_find(entry, "arxiv:comment").split())
    if comment:
        extra["comment"] = comment
    return extra


def _find(entry: ET.Element, path: str) -> str:
    node = entry.find(path, NS)
    return (node.text or "").strip() if node is not None else ""


def _all(entry: ET.Element, path: str) -> list[str]:
    return [(n.text or "").strip() for n in entry.findall(path, NS) if (n.text or "").strip()]


def _name(full: str) -> Name:
    """arXiv gives `Given Family` in one string; the last word is the best guess at the family name."""
    parts = full.split()
    return Name(given=" ".join(parts[:-1]), family=parts[-1]) if parts else Name(given="", family=full)
