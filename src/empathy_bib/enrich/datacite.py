"""DataCite REST API client: one DOI (`/dois/{doi}`), where arXiv registers `10.48550/arXiv.<id>`."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import requests

from .. import ids
from ..errors import NetworkError
from .http import fetch_json
from .records import Name, Work
from .services import ServiceConfig

SERVICE = "DataCite"
# relatedIdentifiers that point at another version of the same work (the published one, usually).
VERSION_RELATIONS = {"IsPreprintOf", "IsVersionOf", "IsPreviousVersionOf", "IsIdenticalTo"}


def get_doi(session: requests.Session, config: ServiceConfig, doi: str) -> Work | None:
    """The DataCite record of `doi`, or None when DataCite does not know it (404)."""
    url = f"{config.datacite_url}/dois/{quote(doi, safe='/:;()[]<>+-._')}"
    data = fetch_json(session, config, SERVICE, url)
    if data is None:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("data"), dict):
        raise NetworkError(f"{SERVICE}: unexpected answer from {url} (no 'data' object)")
    return work_from_record(data["data"])


def work_from_record(record: dict[str, Any]) -> Work:
    attributes = record.get("attributes")
    attrs: dict[str, Any] = attributes if isinstance(attributes, dict) else {}
    doi = attrs.get("doi") or record.get("id")
    types = attrs.get("types") if isinstance(attrs.get("types"), dict) else {}
    year = attrs.get("publicationYear")
    if isinstance(year, str) and year.isdigit():
        year = int(year)
    doi_text = doi if isinstance(doi, str) and doi else None
    return Work(
        source="datacite",
        title=_title(attrs.get("titles")),
        authors=tuple(_creators(attrs.get("creators"))),
        year=year if isinstance(year, int) else None,
        type=str(types.get("resourceTypeGeneral") or "") if isinstance(types, dict) else "",
        publisher=_publisher(attrs.get("publisher")),
        doi=doi_text,
        arxiv_id=ids.parse_arxiv(doi_text) if doi_text else None,
        url=attrs.get("url") if isinstance(attrs.get("url"), str) else None,
        related_dois=tuple(_related(attrs.get("relatedIdentifiers"))),
    )


def _title(value: Any) -> str:
    for t in value if isinstance(value, list) else []:
        if isinstance(t, dict) and isinstance(t.get("title"), str) and not t.get("titleType"):
            return str(t["title"]).strip()
    return ""


def _publisher(value: Any) -> str:
    if isinstance(value, dict):  # the 2024 schema may nest it
        value = value.get("name")
    return value.strip() if isinstance(value, str) else ""


def _creators(value: Any) -> list[Name]:
    names: list[Name] = []
    for c in value if isinstance(value, list) else []:
        if not isinstance(c, dict):
            continue
        family, given, name = c.get("familyName"), c.get("givenName"), c.get("name")
        if isinstance(family, str) and family.strip():
            names.append(Name(given=given.strip() if isinstance(given, str) else "", family=family.strip()))
        elif isinstance(name, str) and name.strip():
            if c.get("nameType") == "Organizational" or "," not in name:
                names.append(
                    Name(given="", family=name.strip(), literal=c.get("nameType") == "Organizational")
                )
            else:
                fam, _, giv = name.partition(",")
                names.append(Name(given=giv.strip(), family=fam.strip()))
    return names


def _related(value: Any) -> list[str]:
    dois: list[str] = []
    for r in value if isinstance(value, list) else []:
        if (
            isinstance(r, dict)
            and r.get("relatedIdentifierType") == "DOI"
            and r.get("relationType") in VERSION_RELATIONS
            and isinstance(r.get("relatedIdentifier"), str)
        ):
            dois.append(r["relatedIdentifier"])
    return dois
