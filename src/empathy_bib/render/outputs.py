"""Every output of `render`, from references.bib, the taxonomy and `styles/`: README.md,
site/index.html, site/feed.xml (Atom), bib/<slug>.bib and bib/references.json.

`render_outputs` touches no file: it yields `(relative path, bytes)` one output at a time, so
`--check` compares each and the command stages each to a temporary file, and only finished
outputs ever exist in memory (`render_all` collects them as text, for tests). All renderers
read the same `Paper` objects and one `PaperView` per paper. The list must pass validate's
checks first (`verdict`): on any error finding the render is refused, and since the verdict
comes before the last output, a caller that writes only after the last output writes nothing.

Speed (bench/bench_render.py): the work per paper is done once and shared, templates print
values escaped once in Python, outputs are streamed, and with `render --jobs 2` validate's checks
and the CSL-JSON run in a worker process beside the rest (`verdict.PendingVerdict`).
"""

from __future__ import annotations

import traceback
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import jinja2
from markupsafe import Markup

from ..bib import BibFile, StagedFiles
from ..config import DEFAULT_SITE_URL, list_settings
from ..errors import EmpathyBibError
from ..record import Paper, papers_of
from ..taxonomy import Taxonomy
from . import catbib, feed, readme, site
from .chunks import tidy_to_bytes
from .csljson import csl_json_bytes
from .verdict import PendingVerdict, RenderRefused, error_findings
from .view import PaperView, paper_views

README = "README.md"
BIB_DIR = "bib"
CSL_JSON = "bib/references.json"
SITE = "site/index.html"
FEED = f"site/{feed.FEED_FILE}"


@dataclass(frozen=True)
class Listing:
    """The list as every renderer sees it."""

    papers: list[Paper]  # file order
    taxonomy: Taxonomy
    by_category: dict[str, list[Paper]]  # slug -> papers in file order, for categories taking papers
    views: dict[str, PaperView]
    site_url: str  # where site/ is published: the feed's ids and links, the README's link to it


# ---------------------------------------------------------------------- rendering


def build_listing(bib: BibFile, taxonomy: Taxonomy, site_url: str = DEFAULT_SITE_URL) -> Listing:
    papers = list(papers_of(bib))
    views = paper_views(papers, taxonomy)
    return Listing(papers, taxonomy, papers_by_category(papers, taxonomy), views, site_url)


def papers_by_category(papers: Sequence[Paper], taxonomy: Taxonomy) -> dict[str, list[Paper]]:
    """slug -> papers in file order, for every category that takes papers."""
    allowed = set(taxonomy.paper_slugs)
    by_category: dict[str, list[Paper]] = {slug: [] for slug in taxonomy.paper_slugs}
    for paper in papers:
        for slug in dict.fromkeys(paper.categories):  # a slug written twice counts once
            if slug in allowed:
                by_category[slug].append(paper)
    return by_category


# The templates a new list starts with (`init` copies them): a list's own styles/ holds only the
# files it changes, the others are read from here.
DEFAULT_STYLES = Path(__file__).resolve().parent.parent / "scaffold" / "styles"


def template_env(styles: Path) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(styles), str(DEFAULT_STYLES)]),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html", "html.j2"), default=False),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,  # one render: no need to stat every template at each include
    )
    readme.register_filters(env)
    env.globals["include_raw"] = lambda name: _read_style(styles, name)
    env.globals["settings"] = list_settings(styles)  # the list's title and description
    return env


def _read_style(styles: Path, name: str) -> Markup:
    """A file of `styles/` (else of the default styles) included verbatim: not parsed as a
    template, not escaped."""
    target = (styles / name).resolve()
    if styles.resolve() not in target.parents:
        raise EmpathyBibError(f"template include outside styles/: {name}")
    if not target.exists() and (DEFAULT_STYLES / name).is_file():
        target = DEFAULT_STYLES / name
    try:
        return Markup(target.read_text(encoding="utf-8").replace("\r\n", "\n").rstrip("\n"))
    except OSError as exc:
        raise EmpathyBibError(f"cannot read {target}: {exc.strerror or exc}") from None


def render_all(
    bib: BibFile,
    taxonomy: Taxonomy,
    styles: Path,
    *,
    path: str = "references.bib",
    validate: bool = True,
    site_url: str = DEFAULT_SITE_URL,
) -> dict[str, str]:
    """Every output as `{relative path: text}`. Raises `RenderRefused` when the list has errors.

    `validate=False` skips validate's checks: tests use it to show that escaping holds even for
    input validate would reject.
    """
    outputs = render_outputs(bib, taxonomy, styles, path=path, validate=validate, site_url=site_url)
    return {name: data.decode("utf-8") for name, data in outputs}


def render_outputs(
    bib: BibFile,
    taxonomy: Taxonomy,
    styles: Path,
    *,
    path: str = "references.bib",
    validate: bool = True,
    pending: PendingVerdict | None = None,
    site_url: str = DEFAULT_SITE_URL,
) -> Iterator[tuple[str, bytes]]:
    """Every output as `(relative path, UTF-8 bytes)`, produced one after the other.

    `site_url` is where site/ is published (`[tool.empathy-bib] site_url`): the feed's ids and
    links are made from it.

    Without `pending` the checks run now, raising `RenderRefused` before anything is rendered.
    With it (a worker checking the same file's bytes), the README, the page and the category
    files are rendered meanwhile, and the verdict is awaited before the last output, the
    CSL-JSON, is yielded (`RenderRefused` then, or `WorkerFailed`).
    """
    if not validate:
        pending = None
    elif pending is None:
        errors = error_findings(bib, taxonomy, path)
        if errors:
            raise RenderRefused(errors)
    return _outputs(bib, taxonomy, styles, pending, site_url)


def _outputs(
    bib: BibFile, taxonomy: Taxonomy, styles: Path, pending: PendingVerdict | None, site_url: str
) -> Iterator[tuple[str, bytes]]:
    try:
        listing = build_listing(bib, taxonomy, site_url)
        yield from _documents(listing, template_env(styles))
        for name, text in _category_bibs(bib, taxonomy, listing.by_category):
            yield name, text.encode("utf-8")
    except Exception:
        if pending is not None:  # a list with errors may break a renderer: its errors say why
            pending.refuse_on_errors()
        raise
    except BaseException:  # abandoned (GeneratorExit) or interrupted: the verdict is not wanted
        if pending is not None:
            pending.cancel()
        raise
    csl_json = None
    if pending is not None:
        pending.refuse_on_errors()
        csl_json = pending.result().csl_json
    yield CSL_JSON, csl_json if csl_json is not None else csl_json_bytes(listing.papers)


def _documents(listing: Listing, env: jinja2.Environment) -> Iterator[tuple[str, bytes]]:
    """The README, the page and the feed, each rendered whole, then handed over."""
    taxonomy, papers, views = listing.taxonomy, listing.papers, listing.views
    try:
        chunks = readme.readme_chunks(
            env, taxonomy, listing.by_category, views, papers, feed_url=feed.feed_url(listing.site_url)
        )
        data = tidy_to_bytes(chunks)
        yield README, data
        data = tidy_to_bytes(site.site_chunks(env, papers, views, taxonomy))
        yield SITE, data
        words = env.globals["settings"]  # the list's title, description and author
        assert isinstance(words, dict)
        data = feed.feed_bytes(
            papers,
            views,
            taxonomy,
            listing.site_url,
            title=f"{words['title']}: {words['description']}",
            author=words["author"],
        )
        yield FEED, data
    except EmpathyBibError:
        raise
    except Exception as exc:
        failure = template_failure(exc, env)
        if failure is None:  # no template of styles/ was running: a bug of ours
            raise
        raise failure from None


def template_failure(exc: Exception, env: jinja2.Environment) -> EmpathyBibError | None:
    """An error a template raised (a syntax error, an undefined name, a filter that fails), as a
    message naming the template file and line (exit 2); None when no template was running."""
    if isinstance(exc, jinja2.TemplateSyntaxError) and exc.filename:
        return EmpathyBibError(f"template error: {exc.message}", path=exc.filename, line=exc.lineno)
    # Jinja rewrites a template's frames to name the template file and its line.
    folders = [Path(p).resolve() for p in getattr(env.loader, "searchpath", ())]
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if _inside(Path(f.filename), folders)]
    if not frames:
        return EmpathyBibError(f"template error: {exc}") if isinstance(exc, jinja2.TemplateError) else None
    what = str(exc) if isinstance(exc, jinja2.TemplateError) else f"{type(exc).__name__}: {exc}"
    return EmpathyBibError(f"template error: {what}", path=frames[-1].filename, line=frames[-1].lineno)


def _inside(path: Path, folders: list[Path]) -> bool:
    resolved = path.resolve()
    return any(folder == resolved.parent or folder in resolved.parents for folder in folders)


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
    """The outputs whose file is missing or differs, other than in line endings: a checkout with
    CRLF endings (Windows) holds the same text, so it is up to date."""
    return [name for name, data in _changed(outputs, out_dir) if not _same_text(out_dir / name, data)]


def _same_text(path: Path, data: bytes) -> bool:
    """Whether the file holds `data` with some LF endings written CRLF (read only on a mismatch)."""
    try:
        held = path.read_bytes()
    except OSError:
        return False
    return b"\r\n" in held and held.replace(b"\r\n", b"\n") == data.replace(b"\r\n", b"\n")


def write_outputs(
    outputs: Iterable[tuple[str, str | bytes]] | Mapping[str, str | bytes], out_dir: Path
) -> list[str]:
    """Write the outputs that changed, all or nothing (`bib.atomic.StagedFiles`); their names.

    Each changed output goes to a temporary file beside its target as soon as it is rendered,
    so no finished output stays in memory; the temporary files replace their targets only once
    every output is rendered, so a template error part way writes nothing. A file that cannot
    be written raises `WriteError` naming it and why; the outputs already replaced are put back.
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
    """Whether the file holds exactly `data`; read a block at a time (not a second copy in memory).

    Each block is compared in place with `bytes.startswith` (a memcmp): comparing it with a
    memoryview slice instead goes byte by byte, some twenty times slower.
    """
    try:
        if path.stat().st_size != len(data):
            return False
        offset = 0
        with path.open("rb") as handle:
            while block := handle.read(1 << 20):
                if not data.startswith(block, offset):
                    return False
                offset += len(block)
        return offset == len(data)
    except OSError:
        return False
