"""Stage 3, enrich: metadata from Crossref, DataCite, arXiv and the ACL Anthology.

`services` (settings shared by fetch-dois and add), `http` (the one HTTP session: cache,
retries, rate limits), one client module per service, `match` (is this candidate our
paper?), `dois` (the fetch-dois pipeline), `newentry` (a `Work` as a BibTeX entry, for add).
"""
