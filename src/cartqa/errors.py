"""Errors that the CLI and the UI show as one clear line, without a traceback."""


class CartqaError(Exception):
    """Base class: its message is meant for the user as it is."""


class CorpusError(CartqaError):
    """The corpus folder is missing, empty or unreadable."""


class IndexFormatError(CartqaError):
    """The index is missing, corrupt, or was built with other settings."""


class InputError(CartqaError):
    """A question or option the user gave cannot be used."""


class StoreError(CartqaError):
    """The vector store cannot be used: an unknown ``CARTQA_STORE``, or a Milvus that cannot be reached."""
