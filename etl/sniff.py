"""Recognise bodies that are not data files (error pages saved under a data file's name)."""

from __future__ import annotations

_MARKUP_STARTS = (b"<!doctype html", b"<html", b"<head", b"<?xml", b"<body", b"<!--")


def looks_like_markup(head: bytes) -> bool:
    """True for an HTML/XML page: what CDNs and login walls answer instead of a CSV."""
    return head.lstrip(b"\xef\xbb\xbf \t\r\n").lower().startswith(_MARKUP_STARTS)
