"""The registry of checks: every stable code validate reports, with its severity and advice.

Codes are grouped by family (E1xx syntax, E2xx/W2xx identity, E3xx/W3xx fields, E4xx/W4xx list
rules, E5xx consistency with the data, E6xx/W6xx LaTeX safety; E7xx/W7xx the registries' facts,
which only `empathy-bib verify` reports). A code is never renumbered or reused: CI
configurations and `--select/--ignore` lists name them. `docs/checks.md` is generated from `CHECKS`.
"""

from __future__ import annotations

from .diagnostics import ERROR, WARNING, Check


def _checks(*items: Check) -> dict[str, Check]:
    return {c.code: c for c in items}


CHECKS: dict[str, Check] = _checks(
    # ------------------------------------------------------------------ syntax
    Check(
        "E101",
        "parse-error",
        ERROR,
        "A block that BibTeX cannot parse; the whole block is ignored.",
        "Fix the syntax at the reported position; the message says what the parser expected.",
    ),
    Check(
        "E102",
        "missing-comma",
        ERROR,
        "A comma is missing between two fields, so one value swallowed the next `name = ...`.",
        "Add a comma after the value that ends before the reported field name.",
    ),
    Check(
        "E103",
        "unbalanced-braces",
        ERROR,
        "A field value opens a brace that never closes (or closes one that never opened).",
        "Balance the braces in the reported value; write a literal brace as `\\{`.",
    ),
    Check(
        "E104",
        "unterminated-quote",
        ERROR,
        'A `"`-delimited value has no closing quote.',
        "Close the quote, or delimit the value with braces instead.",
    ),
    Check(
        "E105",
        "missing-key",
        ERROR,
        "An entry without a citation key.",
        "Write the key right after the opening brace: `@article{family2024word,`.",
    ),
    Check(
        "W106",
        "junk-between-entries",
        WARNING,
        "Text between entries that looks like BibTeX (an `=`, a brace or an `@`); BibTeX ignores it.",
        "Move it into an entry, or delete it; use `%` for comments.",
    ),
    Check(
        "E107",
        "undefined-macro",
        ERROR,
        "A bare word in a value that no `@string` defines.",
        "Put the value in braces (`{...}`), or define the macro with `@string`.",
    ),
    Check(
        "E108",
        "duplicate-field",
        ERROR,
        "A field appears twice in one entry (names compare case-insensitively); BibTeX silently keeps one.",
        "Keep one of the two fields.",
    ),
    Check(
        "E109",
        "invalid-utf8",
        ERROR,
        "The file is not valid UTF-8.",
        "Re-save the file as UTF-8 (the message gives the first bad byte's offset).",
    ),
    Check(
        "E110",
        "malformed-value",
        ERROR,
        "A field value that is not a braced or quoted string, a number, a macro, or a `#` concatenation.",
        "Put the value in braces.",
    ),
    Check(
        "E111",
        "control-character",
        ERROR,
        "A control character (such as ESC, NUL or DEL; tabs and line breaks excepted) in a key or a "
        "field value: no text means one, and printed it could drive a terminal.",
        "Delete the character; it often comes from copying text out of a PDF or a terminal.",
    ),
    # ------------------------------------------------------------------ identity
    Check(
        "E201",
        "duplicate-key",
        ERROR,
        "Two entries share a citation key (BibTeX compares keys case-insensitively).",
        "Rename one key; keys follow `familyYEARword`.",
    ),
    Check(
        "E202",
        "duplicate-doi",
        ERROR,
        "Two entries have the same DOI (after removing `https://doi.org/`, `doi:` and case).",
        "The paper is listed twice: merge the entries.",
    ),
    Check(
        "E203",
        "duplicate-arxiv",
        ERROR,
        "Two entries have the same arXiv id (version removed; in `eprint` or an arXiv URL).",
        "The paper is listed twice: merge the entries.",
    ),
    Check(
        "E204",
        "duplicate-anthology",
        ERROR,
        "Two entries have the same ACL Anthology id.",
        "The paper is listed twice: merge the entries.",
    ),
    Check(
        "E205",
        "duplicate-title",
        ERROR,
        "Two entries have the same title once case, accents, LaTeX, braces and punctuation are ignored.",
        "The paper is listed twice: merge the entries.",
    ),
    Check(
        "W206",
        "similar-title",
        WARNING,
        "Two entries have nearly identical titles.",
        "Check whether one paper is listed twice (e.g. a truncated title); merge if so.",
    ),
    Check(
        "E207",
        "key-with-blanks",
        ERROR,
        "A citation key with a space, tab or line break in it: BibTeX skips the entry and biber stops.",
        "Remove the blanks from the key; keys follow `familyYEARword`.",
    ),
    Check(
        "W208",
        "non-ascii-key",
        WARNING,
        "A citation key with a character outside ASCII, which the list's keys never use "
        "(BibTeX and some styles mishandle them).",
        "Write the key in plain ASCII letters and digits (`familyYEARword`, accents dropped).",
    ),
    # ------------------------------------------------------------------ fields
    Check(
        "E301",
        "missing-required-field",
        ERROR,
        "A field the entry type requires in BibTeX's or biblatex's data model is missing or empty.",
        "Add the field (see the message).",
    ),
    Check(
        "E302",
        "bad-year",
        ERROR,
        "The year is not four digits, or lies beyond next year.",
        "Write the year of publication as four digits, e.g. `year = {2024}`.",
    ),
    Check(
        "W303",
        "bad-month",
        WARNING,
        "The month is neither a month macro (`jan` ... `dec`) nor a number 1-12.",
        "Write `month = jan` (a macro, no braces) or a number.",
        fixable=True,
    ),
    Check(
        "W304",
        "page-range-dash",
        WARNING,
        "A page range written with `-` or an en dash instead of `--`.",
        "Write page ranges as `12--34`.",
        fixable=True,
    ),
    Check(
        "E305",
        "bad-doi",
        ERROR,
        "The `doi` field is not a DOI (`10.NNNN/...`).",
        "Write the bare DOI, e.g. `10.18653/v1/2020.emnlp-main.721`.",
    ),
    Check(
        "W306",
        "doi-as-url",
        WARNING,
        "The `doi` field holds a URL or a `doi:` prefix, not a bare DOI.",
        "Write the bare DOI; styles add the resolver themselves.",
        fixable=True,
    ),
    Check(
        "E307",
        "bad-arxiv-id",
        ERROR,
        "The arXiv id in `eprint` (with `archiveprefix = {arXiv}`) or in an "
        "arxiv.org URL is not a valid arXiv identifier.",
        "Write the id as `2409.10289` or `cs/0112017`.",
    ),
    Check(
        "E308",
        "bad-anthology-id",
        ERROR,
        "An aclanthology.org URL does not name a valid Anthology id.",
        "Link the paper's page, e.g. `https://aclanthology.org/2020.emnlp-main.721/`.",
    ),
    Check(
        "E309",
        "bad-url",
        ERROR,
        "A URL field that is not an absolute http(s) URL (`javascript:`, "
        "`file:`, relative paths and spaces are refused).",
        "Write an absolute https:// URL.",
    ),
    Check(
        "W310",
        "unprotected-acronym",
        WARNING,
        "A title word with capitals after its first letter that "
        "is not brace-protected, so styles that change case will lower it.",
        "Wrap the word in braces as suggested: `{LLMs}`.",
    ),
    Check(
        "E311",
        "unsupported-entry-type",
        ERROR,
        "An entry type the list's renderer has no template for.",
        "Use @article, @inproceedings, @misc, @book, @incollection, @phdthesis, @techreport, ...",
    ),
    Check("W312", "empty-field", WARNING, "A field with an empty value.", "Fill it in or delete it."),
    Check(
        "E313",
        "bad-added-date",
        ERROR,
        "The `added` field (the date the paper joined the list) is not a date written "
        "`YYYY-MM-DD`, or names a day that does not exist (2025-02-30).",
        "Write the day the paper was added as `added = {2025-05-01}`.",
    ),
    Check(
        "E314",
        "added-in-future",
        ERROR,
        "The `added` date lies in the future (later than today's date anywhere on Earth).",
        "Write the day the paper was added, today at the latest.",
    ),
    # ------------------------------------------------------------------ list rules
    Check(
        "E401",
        "missing-keywords",
        ERROR,
        "An entry without `keywords`: it would appear in no section.",
        "Add `keywords = {slug}` with category slugs from styles/categories.toml.",
    ),
    Check(
        "E402",
        "unknown-category",
        ERROR,
        "A keyword that is not a category slug of the taxonomy, or names a category that has subsections.",
        "Use a slug listed in styles/categories.toml.",
    ),
    Check(
        "W403",
        "arxiv-without-url",
        WARNING,
        "An entry with an arXiv id but no `url`.",
        "Add the landing page, e.g. `url = {https://arxiv.org/abs/2409.10289}`.",
    ),
    Check(
        "W404",
        "mixed-escapes",
        WARNING,
        "The file mixes raw non-ASCII characters and LaTeX accent escapes.",
        "Use brace-protected LaTeX escapes everywhere (`Jo{\\~a}o`): the file stays ASCII.",
    ),
    Check(
        "E405",
        "invisible-character",
        ERROR,
        "An invisible or look-alike character (no-break space, "
        "zero-width character, soft hyphen, smart quote) in a key or a field name.",
        "Retype the key with plain ASCII characters.",
    ),
    Check(
        "W406",
        "invisible-in-value",
        WARNING,
        "An invisible character (no-break space, zero-width character, soft hyphen) in a field value.",
        "Replace it with a plain space, or `~` for a non-breaking space.",
    ),
    Check(
        "W407",
        "duplicate-keyword",
        WARNING,
        "A category slug listed twice in one entry's keywords.",
        "List each slug once.",
    ),
    # ------------------------------------------------------------------ consistency with the data
    Check(
        "E501",
        "link-of-another-paper",
        ERROR,
        "A `url`, `eprint` or `doi` names the same paper "
        "identifier as another entry whose title differs: the link belongs to that other paper.",
        "Replace the identifier with this paper's own (look it up by title).",
    ),
    Check(
        "E502",
        "conflicting-identifiers",
        ERROR,
        "The identifiers inside one entry disagree (e.g. the `url` names one arXiv id and `eprint` another).",
        "Keep the identifiers of this paper only.",
    ),
    Check(
        "E503",
        "anthology-year-mismatch",
        ERROR,
        "The `year` differs from the year the ACL Anthology id names (`2021.findings-acl.130`: 2021).",
        "Use the year of the volume the Anthology id names, or fix the id.",
    ),
    Check(
        "E504",
        "anthology-venue-mismatch",
        ERROR,
        "The `booktitle`/`journal` does not name the venue the Anthology id names (a Findings paper "
        "labelled as main conference, or the reverse; EMNLP labelled ACL, ...).",
        "Copy the venue from the paper's Anthology page.",
    ),
    Check(
        "W505",
        "preprint-year-mismatch",
        WARNING,
        "An arXiv-only entry whose `year` differs from the year in its arXiv id.",
        "Use the year the arXiv id names (the submission year), or file the published version.",
    ),
    # ------------------------------------------------------------------ LaTeX safety
    Check(
        "E601",
        "unescaped-special",
        ERROR,
        "An unescaped `&`, `%` or `#` in a text field, or `_` outside math: LaTeX stops "
        "(or, after `%`, drops the rest of the line) where a style prints it.",
        "Escape it: `\\&`, `\\%`, `\\#`, `\\_` (URLs and DOIs go in `url`/`doi`, which are verbatim).",
        fixable=True,
    ),
    Check(
        "E602",
        "lone-dollar",
        ERROR,
        "A single `$` in a text field: it opens math that never closes.",
        "Write `\\$` for a dollar sign.",
        fixable=True,
    ),
    Check(
        "E603",
        "unclosed-math",
        ERROR,
        "Math (`$...$`) that does not close, or closes outside the braces it opened in.",
        "Close the math inside the same braces: `{$\\alpha$}-Stable`.",
    ),
    Check(
        "E604",
        "caret-outside-math",
        ERROR,
        "A `^` outside math in a text field: LaTeX stops (Missing $ inserted).",
        "Write the superscript as math (`$^{2}$`) or the character as `\\textasciicircum{}`.",
    ),
    Check(
        "W605",
        "tilde-as-text",
        WARNING,
        "A `~` after a blank or at a value's start: LaTeX prints a space there, not a tilde.",
        'Write `\\textasciitilde{}` (or `$\\sim$` for "about"); `~` is for ties such as `D.~E. Knuth`.',
    ),
    Check(
        "W606",
        "accent-on-dotless-i",
        WARNING,
        "An accent on `\\i` or `\\j` (`{\\'\\i}`): biber turns it into a dotless i and a combining "
        "accent that pdflatex cannot set.",
        "Put the accent on the plain letter: `{\\'i}` (right in BibTeX and biber).",
        fixable=True,
    ),
    Check(
        "W607",
        "stacked-accents",
        WARNING,
        "Stacked accents (`{\\~{\\^e}}`): biber decodes them halfway and pdflatex reads an invalid "
        "UTF-8 byte.",
        "They print with BibTeX; with biber use XeLaTeX or LuaLaTeX and the UTF-8 letter, or "
        "`biber --output-safechars`.",
    ),
    Check(
        "W608",
        "raw-non-ascii",
        WARNING,
        "A raw accented Latin letter in a file otherwise written in ASCII with LaTeX escapes.",
        'Write the brace-protected escape the message names (`M{\\"u}ller`).',
        fixable=True,
    ),
    Check(
        "W609",
        "beyond-t1",
        WARNING,
        "A character no escape prints with pdflatex and T1 fonts (Vietnamese, Greek, Cyrillic, CJK, "
        "math symbols in text).",
        "Readers need XeLaTeX or LuaLaTeX with a font that has it; a symbol can be math (`$\\geq$`).",
    ),
    Check(
        "W610",
        "command-in-title",
        WARNING,
        "A command in a title that BibTeX styles and LaTeX do not define (`\\method`), or that "
        "refers to the citing document (`\\cite`, `\\ref`, `\\footnote`).",
        "Write the text itself, or define the command in `@preamble`; `\\textsc{...}` and the like are fine.",
    ),
    Check(
        "E611",
        "latex-compile-failure",
        ERROR,
        "`validate --latex`: compiling the entry failed in a setup LaTeX users have; the message "
        "names the setup, the field and the engine's error.",
        "Fix the field's text so that the engine's error goes away (the message quotes it).",
    ),
    # ------------------------------------------------------------------ verify (registries)
    # Reported by `empathy-bib verify` only, never by validate: each needs the registries' answers.
    Check(
        "E701",
        "identifier-names-another-paper",
        ERROR,
        "`verify`: the record behind the entry's DOI, arXiv id or Anthology id (`url` included) is "
        "another paper: neither its title nor its authors are this entry's.",
        "Replace the identifier with this paper's own (the message names the paper it belongs to); "
        "`verify --fix` replaces a DOI when another registry gives this paper's.",
        fixable=True,
    ),
    Check(
        "E702",
        "title-differs",
        ERROR,
        "`verify`: the title differs from the registry's, or is truncated (case, LaTeX, braces, "
        "punctuation and accents ignored).",
        "Write the registry's title (the message quotes it); `verify --fix` does.",
        fixable=True,
    ),
    Check(
        "W703",
        "title-of-another-version",
        WARNING,
        "`verify`: the title is the one of another version (the arXiv preprint's, or a subtitle "
        "that changed on publication), while the registries agree with each other on another.",
        "Use the title of the version the entry cites.",
    ),
    Check(
        "E704",
        "authors-differ",
        ERROR,
        "`verify`: the author list differs from the registry's: a missing, extra, swapped or "
        "misspelled author (accents, initials, `Family, Jr.` and `and others` handled as BibTeX does).",
        "Write the registry's list (the message gives it in BibTeX form); `verify --fix` does.",
        fixable=True,
    ),
    Check(
        "E705",
        "year-differs",
        ERROR,
        "`verify`: the year differs from the published year (for an arXiv-only entry: the first version's).",
        "Write the registry's year; `verify --fix` does.",
        fixable=True,
    ),
    Check(
        "E706",
        "venue-differs",
        ERROR,
        "`verify`: `booktitle`/`journal` names another venue than the registry's container title or "
        "Anthology volume (or has a word neither has, such as a misspelled acronym).",
        "Write the venue the registry names (the message quotes it).",
    ),
    Check(
        "E707",
        "venue-track-differs",
        ERROR,
        "`verify`: the venue is right but the track is not: Findings versus the main conference, a "
        "workshop versus the main conference, a journal versus a conference paper.",
        "Write the track the registry names (the message quotes it).",
    ),
    Check(
        "E708",
        "pages-differ",
        ERROR,
        "`verify`: the pages differ from the registry's.",
        "Write the registry's pages; `verify --fix` does.",
        fixable=True,
    ),
    Check(
        "E709",
        "doi-unknown",
        ERROR,
        "`verify`: neither Crossref nor DataCite knows the DOI.",
        "Correct the DOI (or remove it when the venue registers none); `verify --fix` writes the DOI "
        "the Anthology gives for this paper, when it gives one.",
        fixable=True,
    ),
    Check(
        "E710",
        "retracted",
        ERROR,
        "`verify`: Crossref says the paper was retracted or withdrawn (Retraction Watch included); "
        "the message names the notice.",
        "Remove the entry, or say in it that the paper was retracted.",
    ),
    Check(
        "W711",
        "corrected",
        WARNING,
        "`verify`: Crossref records a correction, erratum or expression of concern for the paper.",
        "Read the notice the message names; cite the corrected version if there is one.",
    ),
    Check(
        "E712",
        "arxiv-version-withdrawn",
        ERROR,
        "`verify`: the arXiv version the entry cites was withdrawn by its authors.",
        "Cite a version that stands, or remove the entry.",
    ),
    Check(
        "W713",
        "arxiv-later-version-withdrawn",
        WARNING,
        "`verify`: a later arXiv version was withdrawn; the version the entry cites still stands.",
        "Check whether the paper still holds; say which version you cite (`eprint = {IDv1}`).",
    ),
    Check(
        "E714",
        "could-not-check",
        ERROR,
        "`verify`: a registry did not answer (throttled, timed out, refused, or not answering this "
        "run); the facts it holds were not checked.",
        "Run verify again later (answers already received are cached).",
    ),
    Check(
        "W715",
        "published-version",
        WARNING,
        "`verify`: an arXiv-only entry has a published version (the message names it and the evidence).",
        "Run `empathy-bib upgrade KEY` to rewrite the entry into its published form.",
    ),
    Check(
        "E716",
        "identifier-unknown",
        ERROR,
        "`verify`: arXiv or the ACL Anthology has no paper under the entry's arXiv id or Anthology id.",
        "Correct the identifier (`eprint`, or the arXiv or Anthology `url`).",
    ),
    Check(
        "W717",
        "registries-disagree",
        WARNING,
        "`verify`: the registries disagree with each other on the title or the author list; the entry "
        "follows one of them (the message gives the other's value).",
        "Check the paper itself; nothing to change when the entry follows the paper.",
    ),
)
