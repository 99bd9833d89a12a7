"""Labels a reader can read: heatmap numbers in a colour that shows on their cell, and word
labels on a scatter plot that neither overlap each other nor cover other dots."""

import itertools

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
from matplotlib.text import Text  # noqa: E402

from minillm_helpers.notebook_support.plotting import (  # noqa: E402
    heatmap,
    spread_labels,
    text_colour_on,
    word_scatter,
)


def boxes_overlap(a, b) -> bool:
    (ax, ay, aw, ah), (bx, by, bw, bh) = a, b
    return min(ax + aw, bx + bw) > max(ax, bx) and min(ay + ah, by + bh) > max(ay, by)


def test_text_colour_follows_the_brightness_of_the_cell():
    assert text_colour_on((1.0, 1.0, 1.0, 1.0)) == "black"
    assert text_colour_on((0.87, 0.87, 0.87, 1.0)) == "black"  # coolwarm's pale middle
    assert text_colour_on((0.0, 0.0, 0.0, 1.0)) == "white"
    assert text_colour_on((0.23, 0.30, 0.75, 1.0)) == "white"  # coolwarm's dark blue end


@pytest.mark.parametrize("cmap, values, expected", [
    ("coolwarm", [[-1.0, 0.0, 1.0]], ["white", "black", "white"]),  # dark, pale, dark
    ("viridis", [[0.0, 1.0]], ["white", "black"]),  # dark purple, bright yellow
])
def test_heatmap_numbers_show_on_their_cells(cmap, values, expected):
    ax = heatmap(values, cmap=cmap, vmin=min(values[0]), vmax=max(values[0]))
    assert [text.get_color() for text in ax.texts] == expected
    plt.close(ax.figure)


def test_labels_of_points_on_top_of_each_other_are_spread_apart():
    anchors = [(0.5, 0.5)] * 4 + [(0.51, 0.5)]
    sizes = [(0.1, 0.05)] * 5
    places = spread_labels(anchors, sizes)
    for i, j in itertools.combinations(range(5), 2):
        assert not boxes_overlap((*places[i], *sizes[i]), (*places[j], *sizes[j])), (i, j)
    for (_, y), (_, height) in zip(places, sizes, strict=True):
        assert abs(y + height / 2 - 0.5) < 0.2  # still near their points


def test_a_label_with_room_stays_beside_its_point():
    places = spread_labels([(0.2, 0.2), (0.8, 0.8)], [(0.1, 0.05), (0.1, 0.05)])
    assert places[0] == pytest.approx((0.212, 0.175))
    assert places[1] == pytest.approx((0.812, 0.775))


def test_a_label_does_not_cover_another_point():
    anchors = [(0.2, 0.5), (0.25, 0.5)]  # the second dot sits where the first label would go
    places = spread_labels(anchors, [(0.2, 0.05), (0.1, 0.05)])
    x, y = places[0]
    assert not (x < 0.25 < x + 0.2 and y < 0.5 < y + 0.05)


def test_word_scatter_draws_every_word_and_no_two_labels_overlap():
    points = [(0.0, 0.0), (0.01, 0.0), (0.0, 0.01), (1.0, 1.0), (1.0, 1.005), (0.5, -1.0)]
    words = ["money", "river", "mouse", "cat", "dog", "king"]
    fig, ax = plt.subplots(figsize=(5, 4))
    word_scatter(points, words, ["gray"] * 6, ax, "a clumped map")
    fig.canvas.draw()
    labels = [text for text in ax.texts]
    assert [text.get_text() for text in labels] == words
    renderer = fig.canvas.get_renderer()
    extents = [Text.get_window_extent(text, renderer) for text in labels]  # the words, not lines
    for a, b in itertools.combinations(extents, 2):
        assert not a.overlaps(b), "two labels overlap"
    plt.close(fig)
