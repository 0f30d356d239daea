"""A `Work` (remote metadata) -> one BibTeX entry written exactly as `references.bib` writes them.

Remote metadata is untrusted: Crossref titles carry JATS/HTML markup, arXiv titles carry TeX,
any of them may hold `%`, `&`, `#`, `_`, `$`, `\\`, `~`, `^`, stray braces or newlines. Every value
goes through one path: markup stripped to plain Unicode text, LaTeX specials escaped, non-ASCII
turned into brace-protected LaTeX escapes (the file stays ASCII), and, for titles, acronyms and
mixed-case names brace-protected so styles keep their capitals. The result always parses
(braces balanced by construction) and compiles under BibTeX and biber.

Conventions (styles/maintaining.md): key `familyYEARword`; field order and layout as in the file;
`@inproceedings` / `@article` / `@misc` + `eprint` for arXiv-only papers; the DOI rule (the
publisher's DOI, `10.48550/arXiv.<id>` for arXiv-only papers, never a guessed one).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .. import ids
from ..names import split_name
from ..record import CODE_FIELD
from ..text import Span, fold, month_macro, protected_spans, strip_markup, to_latex_ascii, to_unicode
from .records import Name, Work

INDENT = "  "
# The order fields take in references.bib; anything else goes before `keywords`, alphabetically.
FIELD_ORDER = (
    "title",
    "author",
    "editor",
    "booktitle",
    "journal",
    "volume",
    "number",
    "publisher",
    "address",
    "year",
    "month",
    "pages",
    "doi",
    "url",
    "eprint",
    "archiveprefix",
    "primaryclass",
    CODE_FIELD,
    "keywords",
)
# Values written bare (month macros); every other value is written in braces.
BARE_FIELDS = frozenset({"month"})

# Words skipped when picking the key's title word (references.bib: "The Illusion" -> illusion,
# "From Personas to Talks" -> personas; "Towards", "Beyond" count).
KEY_STOP_WORDS = frozenset(
    {"a", "an", "the", "of", "on", "in", "at", "to", "for", "from", "and", "or", "with", "by", "via"}
    | {"is", "are", "as", "into"}
)
_SUFFIX_WORDS = {"jr": "Jr.", "jr.": "Jr.", "sr": "Sr.", "sr.": "Sr.", "ii": "II", "iii": "III", "iv": "IV"}

_LATEX_SPECIALS = {
    "\\": r"\textbackslash{}",
    # A lone `\{` would unbalance the value for BibTeX, which counts braces blindly.
    "{": r"\textbraceleft{}",
    "}": r"\textbraceright{}",
    "%": r"\%",
    "&": r"\&",
    "#": r"\#",
    "_": r"\_",
    "$": r"\$",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    # Dashes as TeX ligatures, as the file writes them (`Emotion -- Benchmarking`, `12--34`).
    "\u2013": "--",
    "\u2014": "---",
}
_SPACES = re.compile(r"\s+")
_ASCII_KEPT = re.compile(r"[^a-z0-9]")
_DOTLESS_I = re.compile(r"\\([`'^\"~=.uvH])\\i(?![A-Za-z])")
_LEADING_PUNCT = "([\"'“‘«"
_TRAILING_PUNCT = ".,:;!?)]\"'’”»"


# ---------------------------------------------------------------------- LaTeX escaping


def escape_latex(text: str) -> str:
    """Plain Unicode text -> an ASCII BibTeX value with balanced braces.

    ASCII specials are escaped, non-ASCII letters become brace-protected accents (`{\\'e}`);
    characters neither LaTeX engine can typeset from an 8-bit file without packages (emoji,
    control characters) are dropped, letters of other scripts kept.
    """
    flat = _SPACES.sub(" ", text).strip()
    escaped = "".join(_LATEX_SPECIALS.get(ch, ch) for ch in flat)
    encoded = "".join(ch if ch.isascii() else _accented(ch) for ch in to_latex_ascii(escaped))
    # `{\'\i}` is classic BibTeX, but biber turns it into a dotless i plus a combining accent that
    # pdflatex cannot typeset; `{\'i}` gives both engines a plain `í`.
    encoded = _DOTLESS_I.sub(r"\\\1i", encoded)
    kept = "".join(ch for ch in encoded if ch.isascii() or unicodedata.category(ch)[0] in "LN")
    return _SPACES.sub(" ", kept).strip()


# Combining marks -> LaTeX accent commands, for letters pylatexenc leaves alone (stacked accents,
# dots below: Vietnamese `ễ`, `ị`), written as the Anthology writes them: `{\~{\^e}}`, `{\d{i}}`.
_ACCENTS = {
    "\u0300": "`",
    "\u0301": "'",
    "\u0302": "^",
    "\u0303": "~",
    "\u0304": "=",
    "\u0306": "u",
    "\u0307": ".",
    "\u0308": '"',
    "\u030a": "r",
    "\u030b": "H",
    "\u030c": "v",
    "\u0323": "d",
    "\u0327": "c",
    "\u0328": "k",
    "\u0331": "b",
}


def _accented(ch: str) -> str:
    """One non-ASCII letter as nested accent commands, or itself when it is no accented Latin letter."""
    decomposed = unicodedata.normalize("NFD", ch)
    base, marks = decomposed[0], list(decomposed[1:])
    if not base.isascii() or not marks or any(m not in _ACCENTS for m in marks):
        return ch
    expr = base
    for i, mark in enumerate(marks):
        command = _ACCENTS[mark]
        expr = f"\\{command}{expr}" if i == 0 and not command.isalpha() else f"\\{command}{{{expr}}}"
    return "{" + expr + "}"


def _needs_protection(segment: str) -> bool:
    """Capitals after the first letter (`LLMs`, `SoulChat`, `RL`): sentence case would lower them."""
    letters = [c for c in segment if c.isalpha()]
    return any(c.isupper() for c in letters[1:])


def _no_lowercase(segment: str) -> bool:
    return not any(c.islower() for c in segment)


def _protect_core(core: str, marked: Sequence[bool]) -> str:
    """Brace-protect a word's acronyms: `{TOOL-ED}`, `{LaERC-S}`, `{RL}-Diffusion`, `{LLM}-based`.

    `marked` flags the characters a source had already protected (`{R}eflect{D}iffu`,
    `{C}hinese`): their segment is protected whole, as references.bib writes it.
    """
    segments = core.split("-")
    flags: list[bool] = []
    offset = 0
    for segment in segments:
        flags.append(_needs_protection(segment) or any(marked[offset : offset + len(segment)]))
        offset += len(segment) + 1
    if not any(flags):
        return escape_latex(core)
    if all(f or _no_lowercase(s) for s, f in zip(segments, flags, strict=True)):
        return _brace(core)
    return "-".join(_brace(s) if f else escape_latex(s) for s, f in zip(segments, flags, strict=True))


def _brace(piece: str) -> str:
    escaped = escape_latex(piece)
    # `{\...` at the top level is a BibTeX "special character", not case protection.
    return escaped if not escaped or escaped.startswith("\\") else "{" + escaped + "}"


def _protect_word(word: str, marked: Sequence[bool]) -> str:
    start = 0
    while start < len(word) and word[start] in _LEADING_PUNCT:
        start += 1
    end = len(word)
    while end > start and word[end - 1] in _TRAILING_PUNCT:
        end -= 1
    if end - start > 2 and word[end - 2 : end] in ("'s", "’s"):
        end -= 2  # a possessive stays outside the braces: `{LLM}'s`
    core = _protect_core(word[start:end], marked[start:end]) if end > start else ""
    return escape_latex(word[:start]) + core + escape_latex(word[end:])


def latex_title(plain: str, marked: Sequence[bool] | None = None) -> str:
    """A plain-text title as a BibTeX title: escaped, acronyms and mixed-case names protected.

    `marked[i]` says that character i was protected by the source (a pasted or Anthology title).
    """
    flags = list(marked) if marked is not None else [False] * len(plain)
    words = [_protect_word(m.group(0), flags[m.start() : m.end()]) for m in re.finditer(r"\S+", plain)]
    return " ".join(w for w in words if w)


def latex_title_from_spans(spans: Sequence[Span]) -> str:
    """A title already in BibTeX (a paste, the Anthology), re-protected word by word as we write it."""
    plain = "".join(span.text for span in spans)
    marked = [span.protected for span in spans for _ in span.text]
    return latex_title(plain, marked)


# ---------------------------------------------------------------------- names


@dataclass(frozen=True)
class PersonName:
    """A name ready to write: `Family, Given`, `Family, Suffix, Given`, or `{Literal}`."""

    given: str
    family: str
    suffix: str = ""
    literal: bool = False


def _suffix_of(word: str) -> str | None:
    return _SUFFIX_WORDS.get(word.strip(",").casefold())


def person_from_name(name: Name) -> PersonName:
    """Clean one remote name: markup stripped, suffixes (`III`, `Jr.`) moved to their own part."""
    given = strip_markup(name.given)
    family = strip_markup(name.family)
    if name.literal:
        return PersonName("", family or given, literal=True)
    if not family:
        given, family = "", given
    if not given and " " in family:
        return _split_full_name(family)
    suffix = ""
    family_words = family.split(" ")
    if len(family_words) > 1 and _suffix_of(family_words[-1]):
        suffix = _suffix_of(family_words.pop()) or ""
        family = " ".join(family_words)
    elif _suffix_of(family) and " " in given:
        # The Anthology's quirk: `Iii, Hal Daumé` for Hal Daumé III.
        suffix = _suffix_of(family) or ""
        given, _, family = given.rpartition(" ")
    given_words = given.split(" ")
    if not suffix and len(given_words) > 1 and _suffix_of(given_words[-1]):
        suffix = _suffix_of(given_words.pop()) or ""
        given = " ".join(given_words)
    return PersonName(given.strip(" ,"), family.strip(" ,"), suffix)


def _split_full_name(full: str) -> PersonName:
    words = full.split(" ")
    suffix = ""
    if len(words) > 1 and _suffix_of(words[-1]):
        suffix = _suffix_of(words.pop()) or ""
    parts = split_name(" ".join(words))
    return PersonName(" ".join(parts.first), " ".join(parts.von + parts.last), suffix)


def _name_part(text: str) -> str:
    escaped = escape_latex(text.replace(",", " "))
    # A standalone "and" would split the name in two for BibTeX.
    if re.search(r"(?i)(^|\s)and(\s|$)", escaped):
        return "{" + escaped + "}"
    return escaped


def _person_of(work: Work, name: Name) -> PersonName:
    """arXiv gives whole names (`Jean de la Fontaine`, `Hal Daum\u00e9 III`): let pybtex split them."""
    if work.source == "arxiv" and not name.literal:
        return _split_full_name(strip_markup(f"{name.given} {name.family}"))
    return person_from_name(name)


def format_person(person: PersonName) -> str:
    if person.literal or (not person.given and " " in person.family.strip()):
        return "{" + escape_latex(person.family or person.given) + "}"
    family = _name_part(person.family)
    parts = [family]
    if person.suffix:
        parts.append(_name_part(person.suffix))
    if person.given:
        parts.append(_name_part(person.given))
    return ", ".join(p for p in parts if p)


def format_names(people: Iterable[PersonName]) -> str:
    return " and ".join(f for f in (format_person(p) for p in people) if f)


# ---------------------------------------------------------------------- key


def key_word(title: str) -> str:
    """The first significant word of a title, lower-case ASCII letters and digits."""
    # Letters outside a-z are dropped inside a word (`Søren` gives `sren`), not split on.
    words = [w for w in (_ASCII_KEPT.sub("", word) for word in fold(title).split()) if w]
    for word in words:
        if word not in KEY_STOP_WORDS:
            return word
    return words[0] if words else "untitled"


def make_key(family: str, year: int | None, title: str, taken: Iterable[str] = ()) -> str:
    """`familyYEARword`, unique against `taken` (case-insensitively, as BibTeX compares keys)."""
    family_part = re.sub(r"[^a-z]", "", fold(family)) or "anon"
    base = f"{family_part}{year or ''}{key_word(title)}"
    used = {k.casefold() for k in taken}
    if base not in used:
        return base
    for letter in "bcdefghijklmnopqrstuvwxyz":
        if base + letter not in used:
            return base + letter
    n = 2
    while f"{base}{n}" in used:
        n += 1
    return f"{base}{n}"


# ---------------------------------------------------------------------- entry


@dataclass(frozen=True)
class NewEntry:
    entry_type: str
    key: str
    fields: tuple[tuple[str, str], ...]

    def field(self, name: str) -> str | None:
        return next((v for n, v in self.fields if n == name), None)

    @property
    def text(self) -> str:
        lines = [f"@{self.entry_type}{{{self.key},"]
        for name, value in self.fields:
            written = value if name in BARE_FIELDS else "{" + value + "}"
            lines.append(f"{INDENT}{name} = {written},")
        lines.append("}")
        return "\n".join(lines) + "\n"


def ordered_fields(values: dict[str, str]) -> tuple[tuple[str, str], ...]:
    rank = {name: i for i, name in enumerate(FIELD_ORDER)}
    before_keywords = rank["keywords"] - 0.5
    present = [(n, v) for n, v in values.items() if v]
    return tuple(sorted(present, key=lambda p: (rank.get(p[0], before_keywords), p[0])))


def format_pages(pages: str) -> str:
    """`1655-1664` / `1655–1664` -> `1655--1664`."""
    cleaned = strip_markup(pages).replace("\u2013", "-").replace("\u2014", "-")
    cleaned = re.sub(r"\s*-+\s*", "--", cleaned)
    return escape_latex(cleaned)


def entry_type_for(work: Work) -> str:
    """@inproceedings, @article, or @misc for preprints, from the service's own type."""
    kind = work.type.casefold()
    if kind in ("proceedings-article", "inproceedings", "conference-paper", "conferencepaper"):
        return "inproceedings"
    if kind in ("journal-article", "article", "journalarticle") and work.container:
        return "article"
    if kind in ("book-chapter", "incollection") and work.container:
        return "incollection"
    if kind in ("book", "monograph", "edited-book"):
        return "book"
    if kind in ("proceedings-article",) or (work.source == "anthology" and work.container):
        return "inproceedings"
    return "misc"


def canonical_url(work: Work, doi: str | None, arxiv_id: str | None) -> str:
    """The landing page: the Anthology's page, the arXiv abstract, the publisher's, or the DOI's."""
    anthology_id = work.anthology_id or (
        doi[len("10.18653/v1/") :] if doi and doi.lower().startswith("10.18653/v1/") else None
    )
    if anthology_id and ids.is_valid_anthology_id(anthology_id):
        return f"https://aclanthology.org/{anthology_id}/"
    if work.url and ids.is_web_url(work.url) and ids.classify_url(work.url) == "abs":
        return work.url.strip()
    if doi and not doi.lower().startswith("10.48550/"):
        return f"https://doi.org/{doi}"
    if arxiv_id:
        return f"https://arxiv.org/abs/{arxiv_id}"
    return f"https://doi.org/{doi}" if doi else ""


# Services whose titles are BibTeX values already, with brace protection worth keeping.
LATEX_TITLE_SOURCES = frozenset({"anthology", "bibtex"})


def work_title_plain(work: Work) -> str:
    """arXiv titles are TeX source; the others may carry JATS/HTML markup."""
    if work.source in LATEX_TITLE_SOURCES:
        return to_unicode(work.title)
    if work.source == "arxiv":
        return to_unicode(strip_markup(work.title) if "<" in work.title else work.title, loose=True)
    return strip_markup(work.title)


def entry_from_work(
    work: Work,
    *,
    categories: Sequence[str],
    taken_keys: Iterable[str] = (),
    key: str | None = None,
    title_latex: str | None = None,
    people: Sequence[PersonName] | None = None,
    extra_fields: dict[str, str] | None = None,
) -> NewEntry:
    """The entry for `work`, filed under `categories`.

    `title_latex` and `people` let an importer keep what a pasted entry already got right
    (its brace protection, its name parts); `extra_fields` adds values written as given.
    """
    entry_type = entry_type_for(work)
    plain_title = work_title_plain(work)
    authors = list(people) if people is not None else [_person_of(work, n) for n in work.authors]
    arxiv_id = ids.parse_arxiv(work.arxiv_id) if work.arxiv_id else None
    doi = ids.parse_doi(work.doi) if work.doi else None  # as given, never derived from anything else
    if doi and ids.parse_arxiv(doi):
        doi = ids.arxiv_doi(ids.parse_arxiv(doi) or "")  # DataCite lower-cases it: 10.48550/arxiv.…
    if doi is None and entry_type == "misc" and arxiv_id:
        doi = ids.arxiv_doi(arxiv_id)  # not a guess: arXiv registers this DOI for every paper
    if title_latex is None:
        title_latex = (
            latex_title_from_spans(protected_spans(work.title))
            if work.source in LATEX_TITLE_SOURCES
            else latex_title(plain_title)
        )
    values: dict[str, str] = {
        "title": title_latex,
        "author": format_names(authors),
        "year": str(work.year) if work.year else "",
        "month": month_macro(work.month) or "",
        "doi": doi or "",
        "url": canonical_url(work, doi, arxiv_id),
    }
    values.update(_venue_fields(work, entry_type))
    if arxiv_id:
        values["eprint"] = arxiv_id
        values["archiveprefix"] = "arXiv"
        primary = work.extra.get("primaryclass") or work.extra.get("primary_class") or ""
        values["primaryclass"] = escape_latex(primary)
    values.update(extra_fields or {})
    values["keywords"] = ", ".join(categories)
    first_family = authors[0].family if authors else ""
    key_title = plain_title or to_unicode(values["title"])
    entry_key = key or make_key(first_family, work.year, key_title, taken_keys)
    return NewEntry(entry_type=entry_type, key=entry_key, fields=ordered_fields(values))


def _venue_fields(work: Work, entry_type: str) -> dict[str, str]:
    container = escape_latex(strip_markup(work.container))
    values = {
        "publisher": escape_latex(strip_markup(work.publisher)),
        "address": escape_latex(strip_markup(work.address)),
        "pages": format_pages(work.pages) if work.pages else "",
    }
    if entry_type in ("inproceedings", "incollection"):
        values["booktitle"] = container
    elif entry_type == "article":
        values["journal"] = container
        values["volume"] = escape_latex(strip_markup(work.volume))
        values["number"] = escape_latex(strip_markup(work.number))
    elif entry_type == "misc":
        # A preprint's "publisher" (arXiv, DataCite) is not a publisher: styles would print it twice.
        values["publisher"] = ""
        values["address"] = ""
    return values
