"""Crossref REST API client: one work by DOI, and `query.bibliographic` search.

Answers are untrusted: fields are read defensively into `records.Work` without interpretation
(titles keep their JATS/HTML markup; `match` strips it for comparison, `newentry` for writing).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import requests

from ..errors import NetworkError
from .http import fetch_json
from .records import Name, Update, Work
from .services import ServiceConfig

SERVICE = "Crossref"


def get_work(session: requests.Session, config: ServiceConfig, doi: str) -> Work | None:
    """The work registered under `doi`, or None when Crossref does not know it (404)."""
    url = f"{config.crossref_url}/works/{quote(doi, safe='/:;()[]<>+-._')}"
    data = fetch_json(session, config, SERVICE, url)
    if data is None:
        return None
    message = _message(data, "work", url)
    return work_from_item(message)


def search(session: requests.Session, config: ServiceConfig, query: str, rows: int = 5) -> list[Work]:
    """The top `rows` candidates of a `query.bibliographic` search (unvalidated, in Crossref's order)."""
    return _work_list(session, config, {"query.bibliographic": query, "rows": str(rows)})


def related_to(session: requests.Session, config: ServiceConfig, doi: str, rows: int = 5) -> list[Work]:
    """Works whose `relation` names `doi` (a published version that `has-preprint` it, say)."""
    return _work_list(session, config, {"filter": f"relation.object:{doi}", "rows": str(rows)})


def _work_list(session: requests.Session, config: ServiceConfig, params: dict[str, str]) -> list[Work]:
    url = f"{config.crossref_url}/works"
    data = fetch_json(session, config, SERVICE, url, params)
    if data is None:
        return []
    message = _message(data, "work-list", url)
    items = message.get("items")
    if not isinstance(items, list):
        raise NetworkError(f"{SERVICE}: unexpected answer from {url} (no 'items' list)")
    return [work_from_item(item) for item in items if isinstance(item, dict)]


def _message(data: Any, expected_type: str, url: str) -> dict[str, Any]:
    if not isinstance(data, dict) or not isinstance(data.get("message"), dict):
        raise NetworkError(f"{SERVICE}: unexpected answer from {url} (no 'message' object)")
    kind = data.get("message-type")
    if kind is not None and kind != expected_type:
        raise NetworkError(f"{SERVICE}: expected a {expected_type}, got {kind!r} from {url}")
    message: dict[str, Any] = data["message"]
    return message


def work_from_item(item: dict[str, Any]) -> Work:
    year, month = _date(item)
    doi = item.get("DOI")
    return Work(
        source="crossref",
        title=_first(item.get("title")),
        authors=tuple(_names(item.get("author"))),
        year=year,
        month=month,
        type=_text(item.get("type")),
        container=_first(item.get("container-title")),
        publisher=_text(item.get("publisher")),
        pages=_text(item.get("page")),
        volume=_text(item.get("volume")),
        number=_text(item.get("issue")),
        doi=doi if isinstance(doi, str) and doi else None,
        url=_text(item.get("URL")) or None,
        abstract=_text(item.get("abstract")),
        related_dois=tuple(_related(item.get("relation"))),
        updates=tuple(_updates(item.get("updated-by"))),
        extra=_extra(item),
    )


def _extra(item: dict[str, Any]) -> dict[str, str]:
    """The subtitle, and every container title when there are several (a series and its volume:
    IOS Press gives `Frontiers in Artificial Intelligence and Applications` and `ECAI 2024`)."""
    extra: dict[str, str] = {}
    subtitle = _first(item.get("subtitle"))
    if subtitle:
        extra["subtitle"] = subtitle
    containers = item.get("container-title")
    if isinstance(containers, list):
        titles = [c.strip() for c in containers if isinstance(c, str) and c.strip()]
        if len(titles) > 1:
            extra["container_titles"] = "\n".join(titles)
    return extra


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _first(value: Any) -> str:
    """Crossref titles are arrays (possibly `[""]`)."""
    if isinstance(value, list):
        for v in value:
            if isinstance(v, str) and v.strip():
                return v.strip()
        return ""
    return _text(value)


def _names(value: Any) -> list[Name]:
    names: list[Name] = []
    for person in value if isinstance(value, list) else []:
        if not isinstance(person, dict):
            continue
        family = _text(person.get("family"))
        if family:
            names.append(Name(given=_text(person.get("given")), family=family))
        elif _text(person.get("name")):
            names.append(Name(given="", family=_text(person.get("name")), literal=True))
    return names


def _date(item: dict[str, Any]) -> tuple[int | None, int | None]:
    """Year and month from `issued` (else the print / online dates); parts may be partial."""
    for name in ("issued", "published-print", "published-online", "published", "created"):
        parts = item.get(name, {}).get("date-parts") if isinstance(item.get(name), dict) else None
        if isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0]:
            first = parts[0]
            year = first[0] if isinstance(first[0], int) else None
            month = first[1] if len(first) > 1 and isinstance(first[1], int) else None
            if year:
                return year, month
    return None, None


def _related(value: Any) -> list[str]:
    """DOIs of other versions (`is-preprint-of`, `has-preprint`, ...), as Crossref states them."""
    dois: list[str] = []
    if not isinstance(value, dict):
        return dois
    for relation in ("is-preprint-of", "has-preprint", "is-version-of", "has-version"):
        for target in value.get(relation, []) if isinstance(value.get(relation), list) else []:
            if (
                isinstance(target, dict)
                and target.get("id-type") == "doi"
                and isinstance(target.get("id"), str)
            ):
                dois.append(target["id"])
    return dois


def _updates(value: Any) -> list[Update]:
    """`updated-by`: the notices (retraction, correction, ...) that point at this work."""
    notices: list[Update] = []
    for notice in value if isinstance(value, list) else []:
        if isinstance(notice, dict) and isinstance(notice.get("type"), str):
            doi = notice.get("DOI")
            notices.append(Update(notice["type"].strip().lower(), _text(doi), _text(notice.get("source"))))
    return notices
