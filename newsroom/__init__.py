"""Newsroom: a static site generator for a news and photo archive."""

__version__ = "0.1.0"
