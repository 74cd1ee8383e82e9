"""Stage 7, the application: the ``cartqa`` command line, the Gradio chat and how answers are rendered.

``cli`` (``cartqa index | ask | serve | eval``), ``ui`` (the chat page and its events),
``render`` (all its HTML, escaped), ``panel`` (Documents panel, index status, rebuild),
``documents`` (the corpus as files, safely), ``progress`` (build progress lines),
``suggest`` (questions a refusal offers), ``guard`` (login setting, login throttling,
path-free messages), ``assets`` (CSS and scripts). See docs/app.md. The only place that
configures logging.

May import: anything in cartqa.
"""
