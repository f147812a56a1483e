"""One way to turn an id into the name a reader sees."""

from __future__ import annotations

from collections.abc import Mapping


def display_name(key: object, labels: Mapping[str, str] | None = None) -> str:
    """``labels[key]`` when given, else the id made readable ("united_states" -> "United States")."""
    key = str(key)
    return (labels or {}).get(key, key.replace("_", " ").title())
