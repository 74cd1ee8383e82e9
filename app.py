"""Start the cartqa chat: ``python app.py`` (127.0.0.1:7860, port from GRADIO_SERVER_PORT)."""

import logging

from cartqa.app.ui import launch

if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    launch()
