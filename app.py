"""Start the cartqa chat: ``python app.py`` (127.0.0.1:7860, port from GRADIO_SERVER_PORT).

Same as ``cartqa serve``: prints the address to open, and one clear line (exit 1) on a
bad setting such as a malformed ``CARTQA_AUTH``.
"""

import sys

from cartqa.app.cli import main

if __name__ == "__main__":
    sys.exit(main(["serve"]))
