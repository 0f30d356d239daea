"""Stage 3, enrich: metadata from Crossref, DataCite, arXiv and the ACL Anthology.

Shared: `services` (settings of fetch-dois and add), `http` (the one HTTP session: cache,
retries, rate limits), `records` (`Work`, one shape for every service's answer), one client per
service (`crossref`, `datacite`, `arxiv`, `anthology`), `match` (is this candidate our paper?).
fetch-dois: `dois` (the pipeline). add: `addpaper` (the pipeline), `newentry` (a `Work` as an
entry in the list's conventions), `importbib` (entries pasted as BibTeX), `duplicates` (is the
paper already in the list?).
"""
