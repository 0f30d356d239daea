"""A registry's names -> the names of a new entry, written `Family, Suffix, Given` as the file does.

Registries give names their own ways: Crossref and DataCite `family`/`given` (a suffix written into
either, or the Anthology's `Iii, Hal Daumé` for Hal Daumé III), arXiv whole names; BibTeX sources
(the Anthology's `.bib`, a paste) their parts as pybtex splits them, suffix included.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from ..names import split_name
from ..text import strip_markup
from .latexvalue import escape_latex
from .records import Name, Work

_SUFFIX_WORDS = {"jr": "Jr.", "jr.": "Jr.", "sr": "Sr.", "sr.": "Sr.", "ii": "II", "iii": "III", "iv": "IV"}


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
    """Clean one remote name: markup stripped, suffixes (`III`, `Jr.`) in their own part.

    A record that names the suffix keeps it; one that gives `family` and `given` only may carry
    it in either, and it is moved out.
    """
    given = strip_markup(name.given)
    family = strip_markup(name.family)
    if name.literal:
        return PersonName("", family or given, literal=True)
    if name.suffix:
        suffix = strip_markup(name.suffix).strip(" ,")
        return PersonName(given.strip(" ,"), family.strip(" ,"), _suffix_of(suffix) or suffix)
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


def person_of_work(work: Work, name: Name) -> PersonName:
    """arXiv gives whole names (`Jean de la Fontaine`, `Hal Daum\u00e9 III`): let pybtex split them."""
    if work.source == "arxiv" and not name.literal:
        return _split_full_name(strip_markup(f"{name.given} {name.family}"))
    return person_from_name(name)


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
