"""Lines a later notebook adds to a class: left out of the class cells, printed where taught."""


import pytest

from minillm_helpers.attention import MultiHeadAttention
from minillm_helpers.model import GPT
from minillm_helpers.notebook_support.added_lines import added_lines, without_added_lines

CODE = '''class A:
    @staticmethod
    def gone():  # + notebook 06: a def takes its decorators and body with it
        return 1

    def kept(self, x):
        if x:  # + notebook 05: a block goes with its line
            x = x + 1
        return x  # the plain comment stays
'''


def test_a_marked_line_takes_its_block_and_decorators_with_it():
    assert without_added_lines(CODE) == (
        "class A:\n    def kept(self, x):\n        return x  # the plain comment stays\n"
    )


def test_what_notebook_05_adds_to_attention_leaves_out_notebook_06s_lines():
    shown = added_lines(MultiHeadAttention, notebook=5, context=50)  # whole methods
    assert "+         is_causal=False,  # True says mask is the causal one" in shown
    assert "+         elif is_causal:" in shown
    assert "cache" not in shown  # notebook 06 has not taught it yet
    assert "# + notebook" not in shown  # the marks themselves are not printed


def test_what_notebook_06_adds_is_marked_and_the_rest_is_context():
    shown = added_lines(MultiHeadAttention, notebook=6).splitlines()
    added = [line for line in shown if line.startswith("+ ")]
    assert any("k, v = self.cache.append(k, v)" in line for line in added)
    assert "      def forward(" in shown  # unchanged lines: no "+"


def test_a_class_without_lines_for_that_notebook_is_refused():
    with pytest.raises(ValueError, match="GPT has no lines marked '# \\+ notebook 05'"):
        added_lines(GPT, notebook=5)


def test_what_notebook_09_adds_to_a_function_is_marked():
    from minillm_helpers.sampling import generate
    from minillm_helpers.training import get_batch

    shown = added_lines(generate, notebook=9).splitlines()
    assert shown[0] == "# what notebook 09 adds, marked +"  # a function: no class line
    assert shown[1:3] == ["  @torch.no_grad()", "  def generate(model, ids, max_new_tokens, "
                          "temperature=1.0, top_k=None, top_p=None, seed=None,"]
    stops = "+             if sequence[-1] == stop:  # the answer is over: stop, keep the token"
    assert stops in shown
    assert "+                 break" in shown
    batch = added_lines(get_batch, notebook=9)
    assert "+     if targets is not None:" in batch and "# + notebook" not in batch
