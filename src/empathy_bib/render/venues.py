"""The short name of where a paper appeared (ACL, Findings of EMNLP, arXiv, ...): the page's venue filter.

One function, `short_venue(paper)`, tried in order of trust: the ACL Anthology id (from the
`url` or an ACL DOI) names the event exactly; then the venue's own words (`booktitle`,
`journal`, ...) against `_NAMED`; then the DOI's prefix; then arXiv; else the venue's name,
tidied (no "Proceedings of the", no edition or year). All names live in the tables below.
"""

from __future__ import annotations

import re

from .. import ids
from ..record import Paper

# ACL Anthology venue codes (the `emnlp` of `2023.emnlp-main.12`) of the main events.
_ANTHOLOGY_EVENTS = {
    "acl": "ACL",
    "emnlp": "EMNLP",
    "naacl": "NAACL",
    "eacl": "EACL",
    "aacl": "AACL",
    "ijcnlp": "IJCNLP",
    "coling": "COLING",
    "lrec": "LREC",
    "conll": "CoNLL",
    "tacl": "TACL",
    "cl": "CL",
    "semeval": "SemEval",
    "starsem": "*SEM",
    "inlg": "INLG",
    "sigdial": "SIGDIAL",
    "ranlp": "RANLP",
}
# Anthology workshop codes whose usual spelling is not the code in capitals.
_WORKSHOP_SPELLING = {"clpsych": "CLPsych", "nlp4pi": "NLP4PI", "gem": "GEM"}
# Events that shared one Anthology code with another in some years.
_JOINT_EVENTS = {("lrec", "2024"): "LREC-COLING"}
# Old-style Anthology ids (`P19-1534`): the letter names the event; W is any workshop.
_ANTHOLOGY_LETTERS = {
    "P": "ACL",
    "D": "EMNLP",
    "N": "NAACL",
    "E": "EACL",
    "C": "COLING",
    "L": "LREC",
    "K": "CoNLL",
    "Q": "TACL",
    "J": "CL",
    "S": "SemEval",
    "I": "IJCNLP",
    "R": "RANLP",
}

# A venue's words -> its short name; the first pattern that matches wins, so the narrower come
# first (Findings before ACL, LREC-COLING before COLING, CoNLL and NAACL before the ACL
# they name).
_NAMED: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), short)
    for pattern, short in (
        (r"^arxiv|\barxiv\b|\bcorr\b", "arXiv"),
        (r"\bconll\b|(?:computational )?natural language learning", "CoNLL"),
        (r"lrec-coling", "LREC-COLING"),
        (r"north american chapter|nations of the americas chapter|\bnaacl\b", "NAACL"),
        (r"european chapter of the association for computational|\beacl\b", "EACL"),
        (r"asia-pacific chapter of the association|\baacl\b", "AACL"),
        (r"transactions of the association for computational linguistics|\btacl\b", "TACL"),
        (r"annual meeting of the association for computational linguistics|\bacl\b", "ACL"),
        (r"empirical methods in natural language processing|\bemnlp\b", "EMNLP"),
        (r"language resources and evaluation|\blrec\b", "LREC"),
        (r"international conference on computational linguistics|\bcoling\b", "COLING"),
        (r"^computational linguistics$", "CL"),
        (r"\baaai\b", "AAAI"),
        (r"\bijcai\b|international joint conference on artificial intelligence", "IJCAI"),
        (r"\bchi conference\b|human factors in computing systems|^chi\b", "CHI"),
        (r"neural information processing systems|\bneurips\b|\bnips\b", "NeurIPS"),
        (r"international conference on learning representations|\biclr\b", "ICLR"),
        (r"international conference on machine learning|\bicml\b", "ICML"),
        (r"information and knowledge management|\bcikm\b", "CIKM"),
        (r"knowledge discovery and data mining|\bkdd\b", "KDD"),
        (r"research and development in information retrieval|\bsigir\b", "SIGIR"),
        (r"\bthe web conference\b|world wide web conference", "WWW"),
        (r"\becai\b|european conference on artificial intelligence", "ECAI"),
        (r"\bdasfaa\b|database systems for advanced applications", "DASFAA"),
        (r"\binterspeech\b", "Interspeech"),
        (r"\bicassp\b", "ICASSP"),
        (r"computer vision and pattern recognition|\bcvpr\b", "CVPR"),
        (r"affective computing and intelligent interaction|\bacii\b", "ACII"),
        (r"transactions on affective computing", "IEEE TAC"),
        (r"^nature machine intelligence$", "Nat. Mach. Intell."),
        (r"^proceedings of the national academy of sciences|\bpnas\b", "PNAS"),
        (r"^scientific reports$", "Sci. Rep."),
        (r"^plos one$", "PLOS ONE"),
        (r"journal of medical internet research|^jmir\b", "JMIR"),
        (r"^npj digital medicine$", "npj Digit. Med."),
        (r"^frontiers in psychology$", "Front. Psychol."),
        (r"^computer speech (?:&|and) language$", "Comput. Speech Lang."),
        (r"^physical review letters$", "Phys. Rev. Lett."),
    )
)
_FINDINGS = re.compile(
    r"findings of (?:the )?(?:association for computational linguistics|acl)\s*:?\s*([a-z]+)", re.I
)
_WORKSHOP = re.compile(r"\bworkshops?\b", re.IGNORECASE)
_DOI_PREFIXES = (("10.1609/aaai", "AAAI"), ("10.24963/ijcai", "IJCAI"), ("10.48550/arxiv", "arXiv"))

# The tidying of a name no table knows.
_ACRONYM = re.compile(r"\(([A-Z][A-Za-z*&]*[A-Z])(?:[\s'’-]*\d{2,4})?\)")
_LEADING = re.compile(
    r"^(?:proc(?:eedings|\.)?\s+(?:of\s+)?(?:the\s+)?)?"
    r"(?:(?:\d{4}|\d+(?:st|nd|rd|th)|first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth)\s+)*",
    re.IGNORECASE,
)
_TRAILING_YEAR = re.compile(r"[\s,'’-]+(?:\d{4}|\d{2})$")
_LONGEST = 48  # characters of a tidied name shown in the filter; longer ones are cut at a word


def short_venue(paper: Paper) -> str:
    """The short name of the paper's venue; "" when the entry names none."""
    anthology = paper.anthology_id or (ids.anthology_from_doi(paper.doi) if paper.doi else None)
    venue = paper.venue or ""
    if anthology:
        found = _from_anthology(anthology, venue)
        if found:
            return found
    if venue:
        return _from_name(venue)
    doi = (paper.doi or "").lower()
    for prefix, short in _DOI_PREFIXES:
        if doi.startswith(prefix):
            return short
    return "arXiv" if paper.arxiv_id else ""


def _from_anthology(anthology_id: str, venue: str) -> str | None:
    new = ids.ANTHOLOGY_NEW_RE.match(anthology_id)
    if new:
        year, code, volume = new.group(1), new.group(2), new.group(3)
        if code == "findings":
            event = _JOINT_EVENTS.get((volume, year)) or _ANTHOLOGY_EVENTS.get(volume, volume.upper())
            return f"Findings of {event}"
        event = _JOINT_EVENTS.get((code, year)) or _ANTHOLOGY_EVENTS.get(code)
        if event:
            return event
        return f"{_WORKSHOP_SPELLING.get(code, code.upper())} workshop"
    old = ids.ANTHOLOGY_OLD_RE.match(anthology_id)
    if old and old.group(1) in _ANTHOLOGY_LETTERS:
        return _ANTHOLOGY_LETTERS[old.group(1)]
    return None  # a W id (any workshop), or an unknown letter: the venue's words say more


_BY_NAME: dict[str, str] = {}  # venue -> short name: a long list repeats a few hundred venues


def _from_name(venue: str) -> str:
    found = _BY_NAME.get(venue)
    if found is None:
        found = _BY_NAME[venue] = _name(" ".join(venue.split()))
    return found


def _name(venue: str) -> str:
    findings = _FINDINGS.search(venue)
    if findings:
        return f"Findings of {findings.group(1).upper()}"
    workshop = _WORKSHOP.search(venue)
    host = _named(venue[: workshop.start()] if workshop else venue)
    if workshop:
        acronym = _ACRONYM.search(venue)
        name = acronym.group(1) if acronym else host
        return f"{name} workshop" if name else _tidied(venue)
    if host:
        return host
    acronym = _ACRONYM.search(venue)
    return acronym.group(1) if acronym else _tidied(venue)


def _named(text: str) -> str | None:
    for pattern, short in _NAMED:
        if pattern.search(text):
            return short
    return None


def _tidied(venue: str) -> str:
    """The name without "Proceedings of the", editions and years, cut at a word when long."""
    name = _TRAILING_YEAR.sub("", _LEADING.sub("", venue)).strip(" ,:;") or venue
    if len(name) <= _LONGEST:
        return name
    cut = name[:_LONGEST].rsplit(" ", 1)[0].rstrip(" ,.:;&-")
    return f"{cut}…"
