"""Input checks that the concept functions call in one line.

A notebook shows the idea; the questions "is this a tensor of the right shape?", "is
this a whole number?" live here, so the reader of a concept function sees one line
(`check_...(...)`) instead of ten. No concept code lives here.

core.py holds the errors and the three primitives every check is made of (check_int,
check_number, check_tensor) and their one policy; each other file holds the checks of
the stage module with its name (checks/embeddings.py: those of embeddings.py). Import
them all from here: `from minillm_helpers.checks import check_ids`.
"""

from minillm_helpers.checks.attention import (
    check_attention_inputs,
    check_attention_sizes,
    check_layer_input,
    check_mask_length,
)
from minillm_helpers.checks.bigram import check_bigram_ids, check_bigram_table
from minillm_helpers.checks.core import (
    InputError,
    InputTypeError,
    MinillmError,
    check_ids,
    check_int,
    check_number,
    check_tensor,
    fail,
)
from minillm_helpers.checks.embeddings import (
    check_contexts,
    check_id_sequence,
    check_neighbour_query,
    check_sizes,
    check_table,
    check_vectors,
)
from minillm_helpers.checks.model import (
    check_cached_step,
    check_gpt_config,
    check_ids_for_model,
    check_targets,
)
from minillm_helpers.checks.positions import check_base, require_sizes
from minillm_helpers.checks.sampling import (
    check_generation,
    check_logits,
    check_prompt,
    check_sampling_settings,
)
from minillm_helpers.checks.tokenizer import (
    check_decodable_ids,
    check_saved_tokenizer,
    check_training_units,
    check_vocabulary,
    require_text,
)
from minillm_helpers.checks.training import (
    check_batch_request,
    check_data,
    check_model_data,
    check_model_output,
    check_recipe,
    check_training,
)
