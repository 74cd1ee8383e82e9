"""Stage 7, the application: the ``cartqa`` command line, the Gradio chat and how answers are rendered.

``cli`` (``cartqa index | ask | serve | eval``), ``ui`` (the chat), ``render`` (answers
and sources as the chat shows them). The only place that configures logging.

May import: anything in cartqa.
"""
