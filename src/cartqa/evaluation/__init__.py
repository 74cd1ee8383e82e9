"""Measuring: gold question sets in, figures out.

``metrics`` loads a gold set (JSON Lines), asks every question and computes
retrieval, short-answer, sentence and refusal figures and latency. ``train`` fits the
learned reader's trees and thresholds; ``train_spans`` fine-tunes the span model they read.

May import: ``cartqa.pipeline`` and everything below it.
"""
