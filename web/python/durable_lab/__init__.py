"""Durable Lab's own Python helpers (not part of Temporal's or MCP's API).

``durable_lab.checks`` is what a lab's ``check.py`` is written with: ordered
steps, each with a title and a hint, run against the attendee's code on a
private engine. ``labs/README.md`` documents it for instructors.
"""
