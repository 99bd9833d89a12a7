"""Notebook 05's widget callback: switch the causal mask, read the weight above the diagonal."""

import re

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402

from minillm_helpers.attention import scaled_dot_product_attention  # noqa: E402
from minillm_helpers.masking import causal_mask  # noqa: E402
from minillm_helpers.notebook_support.widgets.nb05 import mask_readout  # noqa: E402

TOKENS = ["The", "cat", "sat", "on", "the", "mat"]
# The notebook's vectors: seeded random queries, keys and values of width 8.
_generator = torch.Generator().manual_seed(0)
QUERIES, KEYS, VALUES = (torch.randn(6, 8, generator=_generator) for _ in range(3))


def readout(mask_on, **options):
    return mask_readout(mask_on, TOKENS, QUERIES, KEYS, VALUES, scaled_dot_product_attention,
                        causal_mask, **options)


def test_mask_on_first_line_is_the_contract():
    lines = readout(True).splitlines()
    assert lines[0] == "Mask on: weights above the diagonal sum to 0.00"
    assert lines[1] == ("Weight on later tokens, row by row: "
                        "The 0.00, cat 0.00, sat 0.00, on 0.00, the 0.00, mat 0.00")


def test_mask_off_reports_the_weight_on_the_future():
    lines = readout(False).splitlines()
    match = re.fullmatch(r"Mask off: weights above the diagonal sum to (\d+\.\d\d)", lines[0])
    assert match, lines[0]
    _, weights = scaled_dot_product_attention(QUERIES, KEYS, VALUES)
    expected = float(weights[~causal_mask(6)].sum())
    assert float(match.group(1)) == pytest.approx(expected, abs=0.005)
    assert expected > 0.5  # plain attention puts real weight on later tokens
    assert lines[1].startswith("Weight on later tokens, row by row: The ")
    assert lines[1].endswith("mat 0.00")  # the last token has no future, mask or not


def test_draw_makes_a_heatmap(monkeypatch):
    shown = []
    monkeypatch.setattr(plt, "show", lambda: shown.append(plt.gcf()))
    text = readout(False, draw=True)
    assert text.startswith("Mask off")
    assert len(shown) == 1
    assert shown[0].axes[0].get_title() == "Attention weights, mask off"
    plt.close("all")


def test_one_row_per_token_is_required():
    with pytest.raises(ValueError, match="one query, key and value row per token"):
        mask_readout(True, TOKENS[:5], QUERIES, KEYS, VALUES, scaled_dot_product_attention,
                     causal_mask)


def test_no_tokens_is_refused():
    empty = torch.zeros(0, 8)
    with pytest.raises(ValueError, match="at least one token"):
        mask_readout(True, [], empty, empty, empty, scaled_dot_product_attention, causal_mask)
