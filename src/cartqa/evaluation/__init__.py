"""Measuring: gold question sets in, figures out.

``metrics`` loads a gold set (JSON Lines), asks every question and computes
retrieval, short-answer, sentence and refusal figures and latency.

May import: ``cartqa.pipeline`` and everything below it.
"""
