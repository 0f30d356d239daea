"""Identifiers: DOI, arXiv and ACL Anthology ids, parsed and normalised in one place.

Every stage (validate, fetch-dois, add, render) compares identifiers through these
functions, so "the same DOI" means the same thing everywhere.
"""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import unquote, urlsplit

# Crossref's recommended pattern for modern DOIs, anchored, plus a ban on characters that
# could break out of a BibTeX value or a URL.
DOI_RE = re.compile(r"^10\.\d{4,9}/[-._;()/:A-Za-z0-9<>\[\]+]+$")
_DOI_PREFIXES = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)

ARXIV_NEW_RE = re.compile(r"^(\d{4})\.(\d{4,5})(v\d+)?$")
ARXIV_OLD_RE = re.compile(r"^([a-z][a-z\-]*(?:\.[A-Z]{2})?)/(\d{7})(v\d+)?$")
_ARXIV_URL_RE = re.compile(
    r"^https?://(?:www\.|export\.|browse\.)?arxiv\.org/(?:abs|pdf|html|ftp/arxiv/papers/\d{4})/(.+?)"
    r"(?:\.pdf)?/?(?:[?#].*)?$",
    re.IGNORECASE,
)
_DOI_URL = "https://doi.org/"
_DOI_URL_RE = re.compile(r"^https?://(dx\.)?doi\.org/")
_ARXIV_ABS = "https://arxiv.org/abs/"
_ARXIV_DOI_RE = re.compile(r"^10\.48550/arxiv\.(.+)$", re.IGNORECASE)
_ANTHOLOGY_URL = "https://aclanthology.org/"

ANTHOLOGY_NEW_RE = re.compile(r"^(\d{4})\.([a-z0-9]+)-([a-z0-9]+)\.(\d+)$")
ANTHOLOGY_OLD_RE = re.compile(r"^([A-Z])(\d{2})-(\d{4})$")
_ANTHOLOGY_URL_RE = re.compile(
    r"^https?://(?:www\.)?(?:aclanthology\.org|aclweb\.org/anthology|anthology\.aclweb\.org)/"
    r"([^/?#]+?)(?:\.pdf|\.bib)?/?(?:[?#].*)?$",
    re.IGNORECASE,
)


# ---------------------------------------------------------------------- DOI


def parse_doi(value: str) -> str | None:
    """The bare DOI in `value` (case kept), or None when it holds none.

    A `https://doi.org/` or `dx.doi.org` URL, a `doi:` prefix, percent-encoding, LaTeX escapes
    (`\\_`) and braces are stripped first; the result must be a DOI that is safe to write into a
    BibTeX value and a URL (the pattern's characters exclude blanks, commas, braces, quotes,
    backslashes, `%` and `#`). DOIs compare case-insensitively: see `normalize_doi`.
    """
    bare = value.strip()
    if DOI_RE.fullmatch(bare):  # the usual bare DOI: its characters exclude every prefix and escape
        return bare
    if bare.startswith(_DOI_URL):  # the usual DOI link
        rest = bare[len(_DOI_URL) :]
        if DOI_RE.fullmatch(rest):
            return rest
    doi = _DOI_PREFIXES.sub("", bare)
    doi = unquote(doi) if "%" in doi else doi
    doi = doi.replace("\\_", "_").replace("\\%", "%").replace("{", "").replace("}", "").strip()
    return doi if DOI_RE.fullmatch(doi) else None


def normalize_doi(value: str) -> str | None:
    """The comparison key of a DOI (DOIs compare case-insensitively), or None when it is none."""
    doi = parse_doi(value)
    return doi.lower() if doi else None


def arxiv_doi(arxiv_id: str) -> str:
    """The DataCite DOI arXiv registers for a paper: `10.48550/arXiv.<id>` (no version)."""
    return f"10.48550/arXiv.{strip_arxiv_version(arxiv_id)}"


# ---------------------------------------------------------------------- arXiv


def is_valid_arxiv_id(value: str) -> bool:
    m = ARXIV_NEW_RE.match(value)
    if m:
        yymm, number = m.group(1, 2)
        # Five digits after the dot from 2015 (15xx) on, four before.
        return 1 <= int(yymm[2:]) <= 12 and (len(number) == 5) == (int(yymm[:2]) >= 15)
    return bool(ARXIV_OLD_RE.match(value))


def strip_arxiv_version(arxiv_id: str) -> str:
    return re.sub(r"v\d+$", "", arxiv_id.strip())


_ARXIV_VERSION_RE = re.compile(r"(?<=\d)v(\d+)(?:\.pdf)?/?$")


def arxiv_version(value: str) -> int | None:
    """The version an arXiv id or URL names (`2409.10289v2` -> 2), None when it names none."""
    m = _ARXIV_VERSION_RE.search(value.strip())
    return int(m.group(1)) if m else None


def parse_arxiv(value: str) -> str | None:
    """An arXiv id (without version) from `2409.10289`, `arXiv:2409.10289v2`, an abs/pdf URL or arXiv DOI."""
    text = value.strip()
    if is_valid_arxiv_id(text):  # the usual bare id: only a version suffix (`v2`) has a `v`
        return text if "v" not in text else strip_arxiv_version(text)
    m = _ARXIV_URL_RE.match(text)
    if m:
        text = m.group(1)
    m = _ARXIV_DOI_RE.match(parse_doi(text) or "")
    if m:
        text = m.group(1)
    if text.lower().startswith("arxiv:"):
        text = text[6:]
    text = text.strip()
    return strip_arxiv_version(text) if is_valid_arxiv_id(text) else None


def arxiv_from_url(url: str) -> str | None:
    url = url.strip()
    if url.startswith(_ARXIV_ABS):  # the usual `https://arxiv.org/abs/<id>`, without a version
        arxiv = url[len(_ARXIV_ABS) :]
        if "v" not in arxiv and is_valid_arxiv_id(arxiv):
            return arxiv
    if "arxiv.org" not in url[:40].lower():  # most other URLs: the pattern's host ends before 30
        return None
    m = _ARXIV_URL_RE.match(url)
    return parse_arxiv(m.group(1)) if m else None


# ---------------------------------------------------------------------- ACL Anthology


def is_valid_anthology_id(value: str) -> bool:
    return bool(ANTHOLOGY_NEW_RE.match(value) or ANTHOLOGY_OLD_RE.match(value))


def arxiv_url(arxiv_id: str) -> str:
    """An arXiv paper's abstract page."""
    return f"{_ARXIV_ABS}{arxiv_id}"


def anthology_url(anthology_id: str) -> str:
    """An Anthology paper's landing page."""
    return f"{_ANTHOLOGY_URL}{anthology_id}/"


def anthology_from_url(url: str) -> str | None:
    """The Anthology id in an aclanthology.org (or old aclweb.org) URL, PDF and .bib included."""
    url = url.strip()
    if url.startswith(_ANTHOLOGY_URL):  # the usual `https://aclanthology.org/<id>/`: no pattern needed
        candidate = url[len(_ANTHOLOGY_URL) :].removesuffix("/")
        if is_valid_anthology_id(candidate):
            return candidate
    host = url[:40].lower()  # the hosts the pattern accepts all end within the first 40 characters
    if "aclanthology.org" not in host and "aclweb.org" not in host:  # most URLs: no pattern needed
        return None
    m = _ANTHOLOGY_URL_RE.match(url)
    if not m:
        return None
    candidate = m.group(1)
    return candidate if is_valid_anthology_id(candidate) else None


def parse_anthology(value: str) -> str | None:
    """An Anthology id from a bare id or a URL."""
    text = value.strip()
    if is_valid_anthology_id(text):
        return text
    return anthology_from_url(text)


_ANTHOLOGY_DOI_PREFIX = "10.18653/v1/"


def anthology_doi(anthology_id: str) -> str:
    """The candidate DOI of an Anthology paper; only a candidate until Crossref confirms it."""
    return f"{_ANTHOLOGY_DOI_PREFIX}{anthology_id}"


def anthology_from_doi(doi: str) -> str | None:
    """The Anthology id an ACL DOI (`10.18653/v1/<id>`, in any case) carries, in the Anthology's
    own case: DOIs are case-insensitive and Crossref lower-cases them (`10.18653/v1/p19-1534`),
    but old-style ids are upper-case (`P19-1534`) and new-style ones lower-case."""
    if doi[: len(_ANTHOLOGY_DOI_PREFIX)].lower() != _ANTHOLOGY_DOI_PREFIX:
        return None
    candidate = doi[len(_ANTHOLOGY_DOI_PREFIX) :]
    for canonical in (candidate, candidate.upper(), candidate.lower()):
        if is_valid_anthology_id(canonical):
            return canonical
    return None


# ---------------------------------------------------------------------- URLs


# A URL this matches is one the general test below accepts (http(s), a plain host, no blank).
_PLAIN_WEB_URL = re.compile(r"https?://[A-Za-z0-9.-]+(?::[0-9]+)?(?:[/?#]\S*)?")


def is_web_url(url: str) -> bool:
    """Only absolute http(s) URLs with a host become links anywhere."""
    if _PLAIN_WEB_URL.fullmatch(url):  # most URLs, decided without urlsplit
        return True
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return False
    return (
        parts.scheme in ("http", "https") and bool(parts.netloc) and not any(c.isspace() for c in url.strip())
    )


def is_doi_url(url: str) -> bool:
    """A doi.org link (`classify_url(url) == "doi"`)."""
    if url.startswith(_DOI_URL):  # the usual link
        return True
    # Most other URLs are decided by the first test: the pattern's host ends before 25 characters.
    return "doi.org" in url[:25].lower() and bool(_DOI_URL_RE.match(url.lower()))


def is_pdf_url(url: str) -> bool:
    """A link to a PDF that is not a doi.org link (`classify_url(url) == "pdf"`)."""
    lowered = url.lower().split("?")[0].split("#")[0]
    return not _DOI_URL_RE.match(lowered) and (lowered.endswith(".pdf") or "/pdf/" in lowered)


def classify_url(url: str) -> str:
    """What a URL points at: `pdf`, `abs` (a landing page), `doi`, or `link`."""
    if is_doi_url(url):
        return "doi"
    if is_pdf_url(url):
        return "pdf"
    if arxiv_from_url(url) or anthology_from_url(url):
        return "abs"
    return "abs" if is_web_url(url) else "link"


# ---------------------------------------------------------------------- paper and code URLs
#
# What an awesome-list README links to: a paper's page on a registry, a proceedings site or a
# publisher (each names the paper by an identifier this section reads), or its code.

_OPENREVIEW_RE = re.compile(
    r"^https?://(?:www\.)?openreview\.net/(?:forum|pdf|attachment)\?(?:[^#]*&)?id=([A-Za-z0-9_\-]+)",
    re.IGNORECASE,
)
_S2_RE = re.compile(
    r"^https?://(?:www\.|api\.)?semanticscholar\.org/(?:paper/(?:[^/?#]+/)?([0-9a-f]{40})\b"
    r"|(?:graph/v1/paper/|arxiv/)?(CorpusID:\d+|CorpusId:\d+))",
    re.IGNORECASE,
)
_PMLR_RE = re.compile(
    r"^https?://proceedings\.mlr\.press/(v\d+)/([a-z0-9_\-]+?)(?:/[a-z0-9_\-]+)?(?:\.html|\.pdf)?/?$",
    re.IGNORECASE,
)
_NEURIPS_RE = re.compile(
    r"^https?://(?:papers\.nips\.cc|proceedings\.neurips\.cc|papers\.neurips\.cc)/paper(?:_files/paper)?/"
    r"(\d{4})/(?:hash|file)/([0-9a-f]{32})-",
    re.IGNORECASE,
)
# Before 2020 the proceedings named a paper by its number: papers.nips.cc/paper/8745-visual-concept(.pdf).
_OLD_NIPS_RE = re.compile(
    r"^https?://(?:papers\.nips\.cc|papers\.neurips\.cc)/paper/(\d+)-[^/]+$", re.IGNORECASE
)
_HF_PAPER_RE = re.compile(r"^https?://(?:www\.)?huggingface\.co/papers/([^/?#]+)", re.IGNORECASE)
# Publisher pages whose path carries the DOI: `.../doi/[abs|full|pdf|epdf|book]/10.x/y` (ACM,
# Wiley, Taylor & Francis, SAGE, ACS, Science, IOS Press...), Springer's `/article/10.x/y`,
# Frontiers' `/articles/10.3389/y/full` (its `/full`, `/abstract`, `/pdf` views are no part of the DOI).
_DOI_PATH_RE = re.compile(
    r"^https?://[^/]+/(?:.*/)?(?:doi(?:/(?:abs|full|pdf|epdf|pdfdirect|book|fullHtml))?"
    r"|articles?|chapter|referenceworkentry|content/pdf)/(10\.\d{4,9}/[^?#\s]+?)"
    r"(?:/(?:full|abstract|pdf))?(?:\.pdf)?/?(?:[?#].*)?$",
    re.IGNORECASE,
)
_SPRINGER_RE = re.compile(
    r"^https?://link\.springer\.com/(10\.\d{4,9}/[^?#\s]+?)/?(?:[?#].*)?$", re.IGNORECASE
)
_NATURE_RE = re.compile(
    r"^https?://(?:www\.)?nature\.com/articles/([a-z0-9.\-]+?)(?:\.pdf)?/?$", re.IGNORECASE
)
_IEEE_RE = re.compile(
    r"^https?://ieeexplore\.ieee\.org/(?:abstract/)?(?:document/(\d+)|stamp/stamp\.jsp\?(?:[^#]*&)?arnumber=(\d+))",
    re.IGNORECASE,
)
_PII_RE = re.compile(
    r"^https?://(?:www\.)?sciencedirect\.com/science/article/(?:abs/)?pii/([A-Z0-9]+)", re.IGNORECASE
)
_OJS_AAAI_RE = re.compile(
    r"^https?://ojs\.aaai\.org/index\.php/([A-Za-z]+)/article/view/(\d+)", re.IGNORECASE
)
_JMLR_RE = re.compile(
    r"^https?://(?:www\.)?jmlr\.org/papers/(?:volume\d+/[^/]+/|)(v\d+/[\w.\-]+?)(?:\.html|\.pdf)?$", re.I
)
_ACM_CITATION_RE = re.compile(r"^https?://dl\.acm\.org/citation\.cfm\?(?:[^#]*&)?id=([\d.]+)", re.IGNORECASE)
_CODE_RE = re.compile(
    r"^https?://(?:www\.)?(?:github\.com|gitlab\.com|bitbucket\.org|huggingface\.co/(?:spaces|datasets)"
    r"|huggingface\.co(?=/[^/?#]+/[^/?#]+)(?!/papers/|/blog/|/docs/|/learn/))/[^/?#]+",
    re.IGNORECASE,
)


def openreview_from_url(url: str) -> str | None:
    """The OpenReview id of a `forum?id=` or `pdf?id=` link."""
    m = _OPENREVIEW_RE.match(url.strip())
    return m.group(1) if m else None


def semanticscholar_from_url(url: str) -> str | None:
    """A Semantic Scholar paper id (40 hex digits) or `CorpusID:n` from a semanticscholar.org link."""
    m = _S2_RE.match(url.strip())
    if not m:
        return None
    return m.group(1).lower() if m.group(1) else "CorpusID:" + m.group(2).split(":")[1]


def pmlr_from_url(url: str) -> str | None:
    """`v139/smith21a` from a PMLR page or PDF (proceedings.mlr.press: ICML, AISTATS, COLT...)."""
    m = _PMLR_RE.match(url.strip())
    return f"{m.group(1).lower()}/{m.group(2)}" if m else None


def neurips_from_url(url: str) -> str | None:
    """`2024/<hash>` from a NeurIPS proceedings page or PDF (papers.nips.cc, proceedings.neurips.cc);
    `paper/8745` from an older page named by the paper's number."""
    url = url.strip()
    if m := _NEURIPS_RE.match(url):
        return f"{m.group(1)}/{m.group(2).lower()}"
    m = _OLD_NIPS_RE.match(url)
    return f"paper/{m.group(1)}" if m else None


def huggingface_paper_arxiv(url: str) -> str | None:
    """The arXiv id a Hugging Face paper page (`huggingface.co/papers/<arXiv id>`) names."""
    m = _HF_PAPER_RE.match(url.strip())
    return parse_arxiv(m.group(1)) if m else None


def doi_from_url(url: str) -> str | None:
    """The DOI a doi.org link or a publisher's page carries in its path (ACM DL, Springer, Wiley,
    IOS Press, Science...; Nature's article ids are DOIs under 10.1038)."""
    url = url.strip()
    if is_doi_url(url):
        return parse_doi(url)
    m = _DOI_PATH_RE.match(url)
    if m:
        return parse_doi(unquote(m.group(1)))
    m = _SPRINGER_RE.match(url)
    if m:
        return parse_doi(unquote(m.group(1)))
    m = _NATURE_RE.match(url)
    return parse_doi(f"10.1038/{m.group(1)}") if m else None


def publisher_ids_from_url(url: str) -> dict[str, str]:
    """Identifiers that are not DOIs but name a paper on a publisher's site: IEEE Xplore document
    numbers, ScienceDirect PIIs, AAAI OJS article ids, old ACM DL citation ids, JMLR papers."""
    url = url.strip()
    found: dict[str, str] = {}
    if m := _IEEE_RE.match(url):
        found["ieee"] = m.group(1) or m.group(2)
    elif m := _PII_RE.match(url):
        found["pii"] = m.group(1).upper()
    elif m := _OJS_AAAI_RE.match(url):
        found["ojs"] = f"{m.group(1)}/{m.group(2)}"
    elif m := _ACM_CITATION_RE.match(url):
        found["acm"] = m.group(1)
    elif m := _JMLR_RE.match(url):
        found["jmlr"] = m.group(1)
    return found


def paper_ids_from_url(url: str) -> dict[str, str]:
    """Every identifier a paper link carries, by scheme (`doi`, `arxiv`, `anthology`, `openreview`,
    `semanticscholar`, `pmlr`, `neurips`, `ieee`, `pii`, `ojs`, `acm`, `jmlr`); empty for any other URL.

    An arXiv or ACL DOI also gives its arXiv or Anthology id; an ACM DL page gives `acm` too.
    """
    return dict(_paper_ids(url.strip()))


@lru_cache(maxsize=8192)  # a README asks about each of its links several times
def _paper_ids(url: str) -> tuple[tuple[str, str], ...]:
    if not url.lower().startswith(("http://", "https://")):
        return ()
    found: dict[str, str] = {}
    arxiv = arxiv_from_url(url) or huggingface_paper_arxiv(url)
    anthology = anthology_from_url(url)
    doi = None if arxiv or anthology else doi_from_url(url)
    if doi:
        found["doi"] = doi
        arxiv = arxiv or parse_arxiv(doi)
        anthology = anthology or anthology_from_doi(doi)
        if "dl.acm.org" in url[:30].lower():
            found["acm"] = doi
    if arxiv:
        found["arxiv"] = arxiv
    if anthology:
        found["anthology"] = anthology
    for scheme, parse in _OTHER_SCHEMES:
        value = parse(url)
        if value:
            found[scheme] = value
    found.update(publisher_ids_from_url(url))
    return tuple(found.items())


_OTHER_SCHEMES = (
    ("openreview", openreview_from_url),
    ("semanticscholar", semanticscholar_from_url),
    ("pmlr", pmlr_from_url),
    ("neurips", neurips_from_url),
)


def is_paper_url(url: str) -> bool:
    """A link that names a paper by an identifier (`paper_ids_from_url` finds one)."""
    return bool(paper_ids_from_url(url))


def is_code_url(url: str) -> bool:
    """A link to code or a model/dataset: GitHub, GitLab, Bitbucket, Hugging Face models, datasets
    and spaces (not its paper pages)."""
    return bool(_CODE_RE.match(url.strip())) and not is_paper_url(url)
