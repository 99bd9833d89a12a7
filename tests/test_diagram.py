"""The GPT diagram: every shape on it, the residual stream named, readable at 9 inches."""

import itertools

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from minillm_helpers.model import GPTConfig  # noqa: E402
from minillm_helpers.notebook_support.diagram import draw_gpt_diagram  # noqa: E402

CONFIG = GPTConfig(vocab_size=65, context_length=64, width=128, num_heads=4, num_layers=4)


def texts(fig):
    return [t for t in fig.findobj(matplotlib.text.Text) if t.get_text().strip()]


def joined(fig):
    return "\n".join(t.get_text() for t in texts(fig))


@pytest.fixture
def figure():
    fig = draw_gpt_diagram(CONFIG)
    yield fig
    plt.close(fig)


def test_every_arrow_shape_is_on_it(figure):
    words = joined(figure)
    for shape in ("(B, T)", "(B, T, C)", "(B, heads, T, T)", "(B, T, V)", "(B, T, 4C)"):
        assert shape in words, shape


def test_it_goes_from_ids_to_probabilities_through_the_pieces(figure):
    words = joined(figure)
    for piece in ("token IDs", "token embedding", "sinusoidal positions", "layer norm",
                  "masked multi-head attention", "feed-forward", "final layer norm",
                  "output layer", "softmax", "probabilities"):
        assert piece in words, piece
    assert words.count("layer norm") >= 3  # before attention, before feed-forward, at the end


def test_the_residual_stream_is_named_as_the_road(figure):
    words = joined(figure)
    assert "residual stream" in words
    assert "reads from and writes back to" in words
    assert sum(t.get_text() == "+" for t in texts(figure)) == 2  # attention's and feed-forward's


def test_a_config_puts_its_sizes_in_the_caption(figure):
    words = joined(figure)
    assert "T ≤ 64" in words and "C = 128" in words and "4 heads" in words
    assert "V = 65" in words and "× 4" in words
    plain = draw_gpt_diagram()
    assert "× N" in joined(plain) and "C = " not in joined(plain)
    plt.close(plain)


def test_readable_at_notebook_width_no_text_overlaps_or_leaves_the_figure(figure):
    assert figure.get_size_inches()[0] <= 9.5  # fits a notebook column at 100 dpi
    assert min(t.get_fontsize() for t in texts(figure)) >= 9
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    frame = figure.bbox
    boxes = [(t.get_text(), t.get_window_extent(renderer)) for t in texts(figure)]
    for text, box in boxes:
        assert frame.x0 <= box.x0 and box.x1 <= frame.x1, f"{text!r} leaves the figure"
        assert frame.y0 <= box.y0 and box.y1 <= frame.y1, f"{text!r} leaves the figure"
    for (a, box_a), (b, box_b) in itertools.combinations(boxes, 2):
        if {a, b} != {"+"}:
            assert not box_a.overlaps(box_b), f"{a!r} overlaps {b!r}"


def test_it_refuses_something_that_is_not_a_config():
    with pytest.raises(TypeError, match="config must be a GPTConfig"):
        draw_gpt_diagram({"width": 128})
