"""The bodies the four registries answer, in their real shapes (tests/registry.py serves them).

Shapes follow recorded answers (tests/fixtures/api/*) and ../shared/docs/apis.md:
- Crossref: `{"status": "ok", "message-type": "work" | "work-list", "message": ...}`; 404 body
  `Resource not found.` (text/plain);
- DataCite: JSON:API `{"data": {"id": <lower-cased doi>, "type": "dois", "attributes": ...}}`; 404
  `{"errors": [...]}`;
- arXiv: an Atom feed, one `<entry>` per known id (versioned `<id>`, `<published>` = v1,
  `<updated>`, titles wrapped over lines, `arxiv:doi` / `arxiv:journal_ref` / `arxiv:comment`);
  a malformed id gets arXiv's "Error" entry;
- ACL Anthology: the `.bib` text itself.
"""

from __future__ import annotations

import json
import re
import textwrap
from typing import Any
from xml.sax.saxutils import escape, quoteattr

ATOM = "http://www.w3.org/2005/Atom"
ARXIV_NS = "http://arxiv.org/schemas/atom"
OPENSEARCH = "http://a9.com/-/spec/opensearch/1.1/"
NEW_ARXIV_ID = re.compile(r"^\d{4}\.\d{4,5}$")
OLD_ARXIV_ID = re.compile(r"^[a-z][a-z.-]+/\d{7}$")
CROSSREF_NOT_FOUND = b"Resource not found."
DATACITE_NOT_FOUND = {
    "errors": [{"status": "404", "title": "The resource you are looking for doesn't exist."}]
}
ANTHOLOGY_NOT_FOUND = b"<!DOCTYPE html><html><head><title>404</title></head><body>Not found</body></html>"


def dumps(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False).encode("utf-8")


def crossref_work(item: dict[str, Any]) -> bytes:
    return dumps({"status": "ok", "message-type": "work", "message-version": "1.0.0", "message": item})


def crossref_list(items: list[dict[str, Any]], total: int, rows: int) -> bytes:
    message = {
        "facets": {},
        "total-results": total,
        "items": items,
        "items-per-page": rows,
        "query": {"start-index": 0, "search-terms": None},
    }
    return dumps(
        {"status": "ok", "message-type": "work-list", "message-version": "1.0.0", "message": message}
    )


def datacite_one(record: dict[str, Any]) -> bytes:
    return dumps({"data": record})


def datacite_list(records: list[dict[str, Any]]) -> bytes:
    return dumps({"data": records, "meta": {"total": len(records), "totalPages": 1, "page": 1}})


def is_arxiv_id(value: str) -> bool:
    return bool(NEW_ARXIV_ID.match(value) or OLD_ARXIV_ID.match(value))


def _wrapped(title: str) -> str:
    """arXiv breaks long titles over lines, indenting the continuation by two spaces."""
    return "\n  ".join(textwrap.wrap(title, 72)) or title


def arxiv_entry(arxiv_id: str, record: dict[str, Any]) -> str:
    """One Atom `<entry>` for `record` (title, authors, published, updated, version, doi,
    journal_ref, comment, category)."""
    version = int(record.get("version", 1))
    abs_url = f"http://arxiv.org/abs/{arxiv_id}v{version}"
    category = str(record.get("category", "cs.CL"))
    parts = [
        f"<id>{abs_url}</id>",
        f"<updated>{escape(str(record.get('updated') or record.get('published', '')))}</updated>",
        f"<published>{escape(str(record.get('published', '')))}</published>",
        f"<title>{escape(_wrapped(str(record.get('title', ''))))}</title>",
        f"<summary>  {escape(str(record.get('summary', 'An abstract.')))}\n</summary>",
    ]
    parts += [f"<author><name>{escape(str(name))}</name></author>" for name in record.get("authors", [])]
    if record.get("doi"):
        doi = str(record["doi"])
        parts.append(f"<arxiv:doi xmlns:arxiv={quoteattr(ARXIV_NS)}>{escape(doi)}</arxiv:doi>")
        parts.append(f'<link title="doi" href={quoteattr("http://dx.doi.org/" + doi)} rel="related"/>')
    if record.get("comment"):
        parts.append(
            f"<arxiv:comment xmlns:arxiv={quoteattr(ARXIV_NS)}>"
            f"{escape(str(record['comment']))}</arxiv:comment>"
        )
    if record.get("journal_ref"):
        parts.append(
            f"<arxiv:journal_ref xmlns:arxiv={quoteattr(ARXIV_NS)}>"
            f"{escape(str(record['journal_ref']))}</arxiv:journal_ref>"
        )
    parts += [
        f'<link href="{abs_url}" rel="alternate" type="text/html"/>',
        f'<link title="pdf" href="http://arxiv.org/pdf/{arxiv_id}v{version}" rel="related" '
        'type="application/pdf"/>',
        f"<arxiv:primary_category xmlns:arxiv={quoteattr(ARXIV_NS)} term={quoteattr(category)} "
        f'scheme="http://arxiv.org/schemas/atom"/>',
        f'<category term={quoteattr(category)} scheme="http://arxiv.org/schemas/atom"/>',
    ]
    return "<entry>\n    " + "\n    ".join(parts) + "\n  </entry>"


def arxiv_error_entry(bad_id: str) -> str:
    """What arXiv answers for an id that is not one: an entry titled "Error"."""
    return (
        f"<entry>\n    <id>http://arxiv.org/api/errors#incorrect_id_format_for_{escape(bad_id)}</id>\n"
        f"    <title>Error</title>\n    <summary>incorrect id format for {escape(bad_id)}</summary>\n"
        "    <updated>2025-01-01T00:00:00-05:00</updated>\n"
        '    <link href="http://arxiv.org/api/errors#incorrect_id_format" rel="alternate" '
        'type="text/html"/>\n'
        "    <author><name>arXiv api core</name></author>\n  </entry>"
    )


def atom_feed(entries: list[str], query: str) -> bytes:
    self_link = quoteattr("http://arxiv.org/api/query?" + query)
    counts = "".join(
        f"  <opensearch:{name} xmlns:opensearch={quoteattr(OPENSEARCH)}>{value}</opensearch:{name}>\n"
        for name, value in (("totalResults", len(entries)), ("startIndex", 0), ("itemsPerPage", len(entries)))
    )
    head = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<feed xmlns={quoteattr(ATOM)}>\n"
        f'  <link href={self_link} rel="self" type="application/atom+xml"/>\n'
        f'  <title type="html">ArXiv Query: {escape(query)}</title>\n'
        "  <id>http://arxiv.org/api/fake</id>\n"
        "  <updated>2025-01-01T00:00:00-05:00</updated>\n" + counts
    )
    body = "".join(f"  {e}\n" for e in entries)
    return (head + body + "</feed>\n").encode("utf-8")


WORD = re.compile(r"[^\W_]+", re.UNICODE)
QUERY_NOISE = {"ti", "au", "abs", "all", "and", "or", "andnot"}


def words(text: str) -> set[str]:
    """Lower-cased words of a title or query (markup and arXiv field prefixes dropped)."""
    text = re.sub(r"<[^>]+>", " ", text)
    return {w for w in (m.group(0).lower() for m in WORD.finditer(text)) if w not in QUERY_NOISE}


def overlap(query: set[str], text: str) -> int:
    return len(query & words(text))
