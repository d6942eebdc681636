"""Bringing a newsroom's existing stories in: feeds, copied pages, WordPress exports.

Each source is read into `Incoming` stories (`incoming.py`); one writer turns them into
article files, the same way for every source, and remembers where each came from so that a
second run creates nothing (docs/import.md).
"""
