"""Colour contrast as WCAG measures it: the ratio of two colours' relative luminance, and a
colour darkened until it reaches a ratio (text 4.5:1, graphics 3:1)."""

from __future__ import annotations

import colorsys

TEXT_CONTRAST = 4.5  # WCAG AA, normal text
GRAPHIC_CONTRAST = 3.0  # WCAG AA, graphical objects against their neighbours


def _luminance(colour: str) -> float:
    """WCAG relative luminance of a ``#RRGGBB`` colour."""
    channels = [int(colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(first: str, second: str) -> float:
    """The WCAG contrast ratio of two ``#RRGGBB`` colours (1 to 21)."""
    light, dark = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def darkened(colour: str, *, against: str = "#FFFFFF", ratio: float = TEXT_CONTRAST) -> str:
    """``colour``, its lightness lowered step by step (hue and saturation kept) until it shows
    at least ``ratio`` against ``against``; unchanged when it already does."""
    red, green, blue = (int(colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4))
    hue, lightness, saturation = colorsys.rgb_to_hls(red, green, blue)
    candidate = colour.upper()
    while contrast(candidate, against) < ratio and lightness > 0:
        lightness = max(lightness - 0.01, 0.0)
        rgb = colorsys.hls_to_rgb(hue, lightness, saturation)
        candidate = "#" + "".join(f"{round(c * 255):02X}" for c in rgb)
    return candidate
