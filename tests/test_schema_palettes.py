"""Vocabularies own their order and colours: every palette's keys are its vocabulary, in order."""

from __future__ import annotations

import pytest

from marchwest import schema
from marchwest.plot import maps, membership, style, timeline

VOCABULARY_OF = {
    "VERDICT_COLOURS": schema.VERDICTS,
    "OUTCOME_COLOURS": schema.OUTCOME_VERDICTS,
    "STATUS_COLOURS": schema.MEMBERSHIP_STATUSES,
    "EVENT_THEME_COLOURS": tuple(dict.fromkeys(timeline.EVENT_THEMES.values())),
    "TIE_KIND_COLOURS": schema.TIE_KINDS,
    "ORIGIN_COLOURS": schema.ORIGINS,
    "TABLE_COLOURS": schema.TABLE_NAMES,
    "COVERAGE_COLOURS": schema.COVERAGE_STATUSES,
}
NOT_A_VOCABULARY = {
    "ENTITY_COLOURS",  # by entity id: the entities that have a colour of their own
    "SEGMENT_COLOURS",  # the union of ORIGIN_, TABLE_ and COVERAGE_COLOURS
}


def _palettes(module) -> dict[str, dict]:
    return {
        name: value
        for name, value in vars(module).items()
        if name.endswith("_COLOURS") and isinstance(value, dict)
    }


def test_every_palette_of_style_has_a_vocabulary():
    assert set(_palettes(style)) == set(VOCABULARY_OF) | NOT_A_VOCABULARY


@pytest.mark.parametrize("name", sorted(VOCABULARY_OF))
def test_a_palettes_keys_are_its_vocabulary_in_order(name):
    assert tuple(getattr(style, name)) == tuple(VOCABULARY_OF[name])


def test_no_segment_is_named_in_two_vocabularies():
    parts = (style.ORIGIN_COLOURS, style.TABLE_COLOURS, style.COVERAGE_COLOURS)
    assert sum(map(len, parts)) == len(style.SEGMENT_COLOURS)


def test_entity_colours_name_entities_of_the_ledger():
    from marchwest.loaders import bundled

    assert set(style.ENTITY_COLOURS) <= set(bundled().entities()["entity_id"])


def test_the_membership_cells_colour_every_status():
    # The matrix draws its legend in CELL_COLOURS' order (founding member, member, observer,
    # dialogue partner, suspended, ...); the keys are the vocabulary's.
    assert set(membership.CELL_COLOURS) == set(schema.MEMBERSHIP_STATUSES)


def test_the_map_styles_place_kinds_of_the_vocabulary():
    # Kinds without a style of their own (region, border, sea, ocean) are drawn in the default.
    assert set(maps.KIND_STYLE) < set(schema.PLACE_KINDS)
