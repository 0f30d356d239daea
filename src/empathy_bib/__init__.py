"""empathy-bib: keep a curated paper list in one BibTeX file and generate everything from it.

The pipeline, one module (or package) per stage:
    bib      (parse: lossless, positions, surgical edits, atomic writes)
    record   (`Paper`, the one per-entry object every stage shares; `names`: its `Author`s)
    check    (validate: diagnostics with codes and locations)
    enrich   (fetch-dois and add: remote metadata, DOI matching)
    render   (README, per-category .bib, CSL-JSON, the HTML page, citations)
The command line (`cli`, `commands/`) only parses options and calls these.
"""

__version__ = "0.1.0"
