"""Stage 4, render: every generated file, from references.bib, the taxonomy and `styles/`.

`render_outputs` touches no file: it yields `(relative path, bytes)` one output at a time, so
`--check` compares each and the command stages each to a temporary file, and only finished
outputs ever exist in memory (`render_all` collects them as text, for tests). All renderers
read the same `Paper` objects and one `PaperView` per paper. Refusals (an entry without
category, an unknown slug, an entry type without a template, and every error `validate`
reports) are collected first, so nothing is written when any exists.

Speed (bench/bench_render.py): the work per paper is done once and shared, templates print
values escaped once in Python, outputs are streamed, the cyclic collector is paused, and on a
long list validate's checks and the CSL-JSON run in a forked child beside the rest (`gate`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

import jinja2
from markupsafe import Markup

from ..bib import BibFile, StagedFiles
from ..errors import EmpathyBibError
from ..gcpause import paused_gc
from ..model import Paper, iter_papers
from ..taxonomy import Taxonomy
from . import catbib, csljson, gate, readme, site
from .view import PaperView, paper_views

README = "README.md"
BIB_DIR = "bib"
CSL_JSON = "bib/references.json"
SITE = "site/index.html"


@dataclass(frozen=True)
class Problem:
    """Why the list cannot be rendered, located in references.bib."""

    path: str
    line: int
    message: str
    key: str | None = None

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: error: {self.message}"


class RenderRefused(EmpathyBibError):
    """The list has errors; nothing was written (exit 2)."""

    def __init__(self, problems: Sequence[Problem]):
        count = len(problems)
        super().__init__(f"{count} error{'s' if count != 1 else ''} in the list; nothing was written")
        self.problems = list(problems)


@dataclass(frozen=True)
class Listing:
    """The list as every renderer sees it."""

    papers: list[Paper]  # file order
    taxonomy: Taxonomy
    by_category: dict[str, list[Paper]]  # slug -> papers in file order, for categories taking papers
    views: dict[str, PaperView]


# ---------------------------------------------------------------------- checks


def find_problems(
    bib: BibFile,
    taxonomy: Taxonomy,
    path: str,
    papers: Sequence[Paper] | None = None,
    *,
    validate: bool = True,
) -> list[Problem]:
    """Everything that stops a render: validate's errors, then what the renderers need."""
    problems = _validate_errors(bib, taxonomy, path) if validate else []
    return merged(problems, structural_problems(bib, taxonomy, path, papers))


def merged(*groups: Sequence[Problem]) -> list[Problem]:
    """The problems of every group, each once, in file order."""
    unique: dict[tuple[int, str], Problem] = {}
    for group in groups:
        for p in group:
            unique.setdefault((p.line, p.message), p)
    return sorted(unique.values(), key=lambda p: p.line)


def structural_problems(
    bib: BibFile, taxonomy: Taxonomy, path: str, papers: Sequence[Paper] | None = None
) -> list[Problem]:
    """The render's own refusals, kept even without validate: they guard file names and templates."""
    problems = [
        Problem(path, bib.line_of(b.start), f"block does not parse: {b.error or 'syntax error'}")
        for b in bib.failed_blocks
    ]
    takes_papers = set(taxonomy.paper_slugs)
    for paper in iter_papers(bib) if papers is None else papers:
        where = f"entry '{paper.key}'"
        if not csljson.supported(paper.entry_type):
            problems.append(
                Problem(
                    path, paper.line, f"{where}: entry type @{paper.entry_type} has no template", paper.key
                )
            )
        if not paper.categories:
            problems.append(
                Problem(path, paper.line, f"{where} has no category (keywords = {{<slug>}})", paper.key)
            )
        for slug in paper.categories:
            if slug not in takes_papers:
                kind = "a category with subsections" if taxonomy.get(slug) else "not a category"
                problems.append(
                    Problem(
                        path, paper.line, f"{where}: keyword {slug!r} is {kind} in the taxonomy", paper.key
                    )
                )
    return problems


def _validate_errors(bib: BibFile, taxonomy: Taxonomy, path: str) -> list[Problem]:
    """validate's error-severity diagnostics, as render problems."""
    from ..check import ERROR, check_bib

    return [
        Problem(d.path or path, d.line, f"{d.code}: {d.message}", d.key)
        for d in check_bib(bib, taxonomy, path=Path(path))
        if d.severity == ERROR
    ]


# ---------------------------------------------------------------------- rendering


def build_listing(bib: BibFile, taxonomy: Taxonomy, papers: Sequence[Paper] | None = None) -> Listing:
    papers = list(iter_papers(bib)) if papers is None else list(papers)
    views = paper_views(papers, taxonomy)
    return Listing(papers, taxonomy, papers_by_category(papers, taxonomy), views)


def papers_by_category(papers: Sequence[Paper], taxonomy: Taxonomy) -> dict[str, list[Paper]]:
    """slug -> papers in file order, for every category that takes papers."""
    allowed = set(taxonomy.paper_slugs)
    by_category: dict[str, list[Paper]] = {slug: [] for slug in taxonomy.paper_slugs}
    for paper in papers:
        for slug in dict.fromkeys(paper.categories):  # a slug written twice counts once
            if slug in allowed:
                by_category[slug].append(paper)
    return by_category


def template_env(styles: Path) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(styles)),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html", "html.j2"), default=False),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,  # one render: no need to stat every template at each include
    )
    readme.register_filters(env)
    env.globals["include_raw"] = lambda name: _read_style(styles, name)
    return env


def _read_style(styles: Path, name: str) -> Markup:
    """A file of `styles/` included verbatim: not parsed as a template, not escaped."""
    target = (styles / name).resolve()
    if styles.resolve() not in target.parents:
        raise EmpathyBibError(f"template include outside styles/: {name}")
    try:
        return Markup(target.read_text(encoding="utf-8").replace("\r\n", "\n").rstrip("\n"))
    except OSError as exc:
        raise EmpathyBibError(f"cannot read {target}: {exc.strerror or exc}") from None


def render_all(
    bib: BibFile, taxonomy: Taxonomy, styles: Path, *, path: str = "references.bib", validate: bool = True
) -> dict[str, str]:
    """Every output as `{relative path: text}`. Raises `RenderRefused` when the list has errors.

    `validate=False` skips validate's checks (not the render's own): tests use it to show that
    escaping holds even for input validate would reject.
    """
    outputs = render_outputs(bib, taxonomy, styles, path=path, validate=validate)
    return {name: data.decode("utf-8") for name, data in outputs}


def render_outputs(
    bib: BibFile, taxonomy: Taxonomy, styles: Path, *, path: str = "references.bib", validate: bool = True
) -> Iterator[tuple[str, bytes]]:
    """Every output as `(relative path, UTF-8 bytes)`, produced one after the other.

    The checks run now (raising `RenderRefused`); the outputs are rendered as they are asked
    for, each streamed from its template into bytes, so only finished outputs are held (a
    long list's README as a Python string with one emoji costs 4 bytes a character).
    """
    with paused_gc():
        papers = list(iter_papers(bib))
        for paper in papers:  # what both processes need, worked out once before the fork
            paper.authors, paper.links, paper.year  # noqa: B018 (cached on first access)
        # The child's share starts next: on a long list it runs in a forked process meanwhile,
        # on the papers built above (inherited, not rebuilt).
        work = gate.Verdict(lambda: _child_work(bib, taxonomy, path, validate, papers), len(bib.entries))
        try:
            structural = structural_problems(bib, taxonomy, path, papers)
            if structural:
                raise RenderRefused(merged(work.result().problems, structural))
            listing = build_listing(bib, taxonomy, papers)
        except BaseException:
            work.close()
            raise
    env = template_env(styles)
    return _outputs_then_verdict(bib, listing, env, work)


@dataclass(frozen=True)
class ChildWork:
    """The child's share of a render: validate's verdict and the CSL-JSON (which needs no views)."""

    problems: list[Problem]
    csl_json: bytes | None  # None: not rendered (the list has errors, or rendering it failed)


def _child_work(
    bib: BibFile, taxonomy: Taxonomy, path: str, validate: bool, papers: Sequence[Paper]
) -> ChildWork:
    problems = _validate_errors(bib, taxonomy, path) if validate else []
    if problems:
        return ChildWork(problems, None)
    try:
        return ChildWork([], csl_json_bytes(papers))
    except Exception:  # a list the render will refuse anyway: the parent says why
        return ChildWork([], None)


def csl_json_bytes(papers: Sequence[Paper]) -> bytes:
    return _to_bytes(csljson.csl_json_chunks(papers))


def _outputs_then_verdict(
    bib: BibFile, listing: Listing, env: jinja2.Environment, work: gate.Verdict[ChildWork]
) -> Iterator[tuple[str, bytes]]:
    """The README, the page and the category files, then the child's share: `RenderRefused`
    after those when the list has errors, so a caller that writes only after the last output
    (write_outputs, --check) writes nothing."""
    try:
        yield from _documents(listing, env)
        for name, text in _category_bibs(bib, listing.taxonomy, listing.by_category):
            yield name, text.encode("utf-8")
        done = work.result()
        if done.problems:
            raise RenderRefused(merged(done.problems))
        with paused_gc():
            data = done.csl_json if done.csl_json is not None else csl_json_bytes(listing.papers)
        yield CSL_JSON, data
    finally:
        work.close()


def _documents(listing: Listing, env: jinja2.Environment) -> Iterator[tuple[str, bytes]]:
    """The README and the page, each rendered whole with the collector paused, then handed over."""
    taxonomy, papers, views = listing.taxonomy, listing.papers, listing.views
    try:
        with paused_gc():
            data = tidy_to_bytes(readme.readme_chunks(env, taxonomy, listing.by_category, views, len(papers)))
        yield README, data
        with paused_gc():
            data = tidy_to_bytes(site.site_chunks(env, papers, views, taxonomy))
        yield SITE, data
    except jinja2.TemplateError as exc:
        where = f"{exc.filename}:{exc.lineno}: " if isinstance(exc, jinja2.TemplateSyntaxError) else ""
        raise EmpathyBibError(f"template error: {where}{exc}") from None


_BATCH = 4096  # template chunks joined, tidied and encoded at a time (a few hundred kB of text)


def _batches(chunks: Iterable[str]) -> Iterator[str]:
    """The chunks joined `_BATCH` at a time (islice and join do the counting, in C)."""
    iterator = iter(chunks)
    while batch := list(islice(iterator, _BATCH)):
        yield "".join(batch)


def _to_bytes(chunks: Iterable[str]) -> bytes:
    return b"".join(batch.encode("utf-8") for batch in _batches(chunks))


def tidy_to_bytes(chunks: Iterable[str]) -> bytes:
    """`"\\n".join(l.rstrip() for l in text.split("\\n")).strip("\\n") + "\\n"`, encoded, streamed.

    Each line loses its trailing blanks; blank lines at the start and the end go; the text ends
    with one newline. Lines are handled a batch at a time; empty lines at a batch's end are
    held back until a line with text follows (they are dropped at the very end).
    """
    out: list[bytes] = []
    partial = ""  # the unfinished last line of the text seen so far
    held = 0  # empty lines seen since the last line with text
    started = False  # a line with text has been written
    for batch in _batches(chunks):
        text = partial + batch
        cut = text.rfind("\n")
        if cut < 0:
            partial = text
            continue
        partial = text[cut + 1 :]
        started, held = _emit_lines(text[:cut].split("\n"), out, started, held)
    started, held = _emit_lines([partial], out, started, held)
    out.append(b"\n")
    return b"".join(out)


def _emit_lines(lines: list[str], out: list[bytes], started: bool, held: int) -> tuple[bool, int]:
    # Joined first: an empty line is then one "\n" more at an end of the text.
    joined = "\n".join(map(str.rstrip, lines))
    body = joined.strip("\n")
    if not body:
        return started, held + len(lines)
    leading = len(joined) - len(joined.lstrip("\n"))
    trailing = len(joined) - len(joined.rstrip("\n"))
    separator = "\n" * (held + leading + 1) if started else ""
    out.append((separator + body).encode("utf-8"))
    return True, trailing


def _category_bibs(
    bib: BibFile, taxonomy: Taxonomy, by_category: Mapping[str, Sequence[Paper]]
) -> Iterator[tuple[str, str]]:
    headers = catbib.header_blocks(bib)
    for category in taxonomy.paper_categories:
        # Only taxonomy slugs (checked against SLUG_RE when loaded) ever become file names.
        yield (
            f"{BIB_DIR}/{category.slug}.bib",
            catbib.render_category_bib(category, by_category[category.slug], headers),
        )


# ---------------------------------------------------------------------- files


def stale_outputs(
    outputs: Iterable[tuple[str, str | bytes]] | Mapping[str, str | bytes], out_dir: Path
) -> list[str]:
    """The outputs whose file is missing or differs, byte for byte."""
    return [name for name, _ in _changed(outputs, out_dir)]


def write_outputs(
    outputs: Iterable[tuple[str, str | bytes]] | Mapping[str, str | bytes], out_dir: Path
) -> list[str]:
    """Write the outputs that changed, all or nothing (`bib.atomic.StagedFiles`); their names.

    Each changed output goes to a temporary file beside its target as soon as it is rendered,
    so no finished output stays in memory; the temporary files replace their targets only once
    every output is rendered, so a template error part way writes nothing. A file that cannot
    be written raises `WriteError`, naming it and the outputs already replaced, if any.
    """
    names: list[str] = []
    with StagedFiles() as commit:
        for name, data in _changed(outputs, out_dir):
            commit.stage(out_dir / name, data)
            names.append(name)
        commit.replace_all()
    return names


def _changed(
    outputs: Iterable[tuple[str, str | bytes]] | Mapping[str, str | bytes], out_dir: Path
) -> Iterator[tuple[str, bytes]]:
    pairs = outputs.items() if isinstance(outputs, Mapping) else outputs
    for name, content in pairs:
        data = content.encode("utf-8") if isinstance(content, str) else content
        if not _holds(out_dir / name, data):
            yield name, data


def _holds(path: Path, data: bytes) -> bool:
    """Whether the file holds exactly `data`; read a block at a time (not a second copy in memory)."""
    try:
        if path.stat().st_size != len(data):
            return False
        view = memoryview(data)
        offset = 0
        with path.open("rb") as handle:
            while block := handle.read(1 << 20):
                if block != view[offset : offset + len(block)]:
                    return False
                offset += len(block)
        return offset == len(data)
    except OSError:
        return False
