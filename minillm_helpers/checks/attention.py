"""The input checks of notebooks 04 and 05: attention and the causal mask
(minillm_helpers/attention.py and masking.py)."""

from __future__ import annotations

from minillm_helpers.checks.core import InputError, check_int, check_tensor, fail


def check_attention_sizes(width, num_heads, owner: str = "") -> None:
    """width and num_heads are whole numbers >= 1 and every head gets the same slice;
    owner ("GPTConfig.") prefixes the names in the messages."""
    check_int(f"{owner}width", width)
    check_int(f"{owner}num_heads", num_heads)
    if width % num_heads != 0:
        fail(InputError, f"{owner}width {width} is not divisible by num_heads {num_heads}: each "
             "head gets width // num_heads dimensions", "pick a multiple of the heads")


def check_attention_inputs(query, key, value, mask=None) -> None:
    """query, key, value (and a boolean mask) that can be attended together."""
    for name, tensor in (("query", query), ("key", key), ("value", value)):
        check_tensor(name, tensor, None, (..., "tokens", "width"))
    if query.shape[-1] != key.shape[-1]:
        fail(InputError, "query and key must have the same width to be compared (dot product), "
             f"got query width {query.shape[-1]} and key width {key.shape[-1]}")
    if key.shape[-2] != value.shape[-2]:
        fail(InputError, "key and value must have one row per token of the same sequence, got "
             f"{key.shape[-2]} keys and {value.shape[-2]} values")
    if mask is not None:
        check_tensor("mask", mask, "boolean", fix="True where attending is allowed (mask.bool())")
        scores_shape = (*query.shape[:-1], key.shape[-2])  # (..., T_q, T_k)
        extra = len(scores_shape) - mask.dim()  # broadcasting lines the shapes up from the right
        if extra < 0 or any(
            m not in (1, s) for m, s in zip(mask.shape, scores_shape[extra:], strict=True)
        ):
            fail(InputError, f"mask of shape {tuple(mask.shape)} does not fit the attention "
                 f"scores of shape {scores_shape} (one entry per query token and key token)")


def check_layer_input(x, width: int) -> None:
    """A layer's input is a float tensor of shape (batch, tokens, width)."""
    check_tensor("x", x, None, ("batch", "tokens", width))


def check_mask_length(length) -> None:
    """A causal mask's length is a whole number (int, numpy or tensor) of at least 1."""
    check_int("length", length, fix="the number of tokens, one row of the mask per token")
