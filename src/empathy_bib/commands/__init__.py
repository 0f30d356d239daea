"""Thin command modules: each defines `configure(parser)` and `run(args) -> int`."""
