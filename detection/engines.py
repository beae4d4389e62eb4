"""Inference engines behind one interface: ``predict(batch [N, C, H, W] float32) -> [N, H, W] float32``
landslide probabilities.

``OnnxEngine``   ONNX Runtime with the best execution providers that exist (TensorRT, CUDA, then CPU).
``TorchEngine``  PyTorch on CPU or CUDA: ``inference_mode``, ``channels_last``, fp16 autocast on CUDA.
``open_engine``  ``engine='auto'`` picks ONNX Runtime for ``.onnx`` files and PyTorch for checkpoints;
                 ``device='auto'`` uses CUDA when present. Pure: never imports QGIS.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Protocol

import numpy as np

from ..errors import InputError, Message, MissingDependencyError, ModelFileError
from ..model.card import ModelCard
from .options import DEVICES, ENGINES, check_choice

# Chips are prepared in background threads while the engine runs. OpenMP threads that spin-wait at barriers
# stall whenever another thread takes a core (measured on 2 cores: 2x slower inference); make them sleep
# instead. Effective when set before PyTorch's OpenMP starts (the CLI and the QGIS worker import torch later).
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

#: CPU threads of one engine (ONNX Runtime's intra-op pool; PyTorch reads OMP_NUM_THREADS); unset: all cores
THREADS_ENV = "LANDSLIDE_MAPPER_THREADS"
#: ONNX Runtime's intra-op thread spinning, "0" (off) or "1" (on); unset: ORT_SPINNING_DEFAULT
SPINNING_ENV = "LANDSLIDE_MAPPER_ORT_SPINNING"
#: ONNX Runtime's graph optimisation level: basic, extended, all; unset: all
OPTIMISATION_ENV = "LANDSLIDE_MAPPER_ORT_OPTIMISATION"
#: spinning off by default: the chip-preparation and output threads share the cores with the engine
#: (benchmarks/bench_engine_settings.py measures both end to end; experiments/benchmarks/bench_engine_settings.txt)
ORT_SPINNING_DEFAULT = "0"
#: where TensorRT keeps the engines it builds (building one takes minutes; the cache makes it once per model and GPU);
#: the QGIS plugin sets it to a folder in its profile, the default is the user's cache folder
TRT_CACHE_ENV = "LANDSLIDE_MAPPER_TRT_CACHE"
log = logging.getLogger(__name__)


def execution_providers(available: list[str], device: str) -> list:
    """ONNX Runtime's execution providers for ``device``, best first, from those ``available``: TensorRT with an
    engine cache folder (:data:`TRT_CACHE_ENV`; fp32, as validated: fp16 is not enabled before its accuracy is
    measured on a GPU), CUDA, then the CPU. ``device='cpu'``: the CPU alone."""
    providers: list = []
    if device in ("auto", "cuda"):
        if "TensorrtExecutionProvider" in available:
            cache = os.environ.get(TRT_CACHE_ENV) or os.path.join(
                os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"),
                "landslide_mapper", "tensorrt")
            providers.append(("TensorrtExecutionProvider", {"trt_engine_cache_enable": True,
                                                            "trt_engine_cache_path": cache,
                                                            "trt_fp16_enable": False}))
        if "CUDAExecutionProvider" in available:
            providers.append("CUDAExecutionProvider")
    return providers + ["CPUExecutionProvider"]


class Engine(Protocol):
    card: ModelCard
    name: str
    device: str

    def predict(self, batch: np.ndarray) -> np.ndarray: ...


class OnnxEngine:
    name = "onnx"

    def __init__(self, path: Path, card: ModelCard, device: str = "auto") -> None:
        try:
            import onnxruntime as ort
        except ImportError as exc:
            raise MissingDependencyError(Message(
                "ONNX Runtime is not installed: run Landslide Mapper > Environment and GPU > Install missing packages "
                "(or pip install onnxruntime)")) from exc
        providers = execution_providers(ort.get_available_providers(), device)
        if device == "cuda" and len(providers) == 1:
            raise InputError(Message("device 'cuda' was asked for, but ONNX Runtime has no CUDA execution provider "
                                     "here (install onnxruntime-gpu and the CUDA libraries, or use device 'cpu')"))
        options = ort.SessionOptions()
        levels = {"basic": ort.GraphOptimizationLevel.ORT_ENABLE_BASIC,
                  "extended": ort.GraphOptimizationLevel.ORT_ENABLE_EXTENDED,
                  "all": ort.GraphOptimizationLevel.ORT_ENABLE_ALL}
        level = os.environ.get(OPTIMISATION_ENV, "all").strip().lower() or "all"
        spinning = os.environ.get(SPINNING_ENV, ORT_SPINNING_DEFAULT).strip() or ORT_SPINNING_DEFAULT
        if level not in levels or spinning not in ("0", "1"):
            raise InputError(Message("{OPTIMISATION_ENV} must be basic, extended or all and {SPINNING_ENV} 0 or 1, "
                                     "got {level!r} and {spinning!r}", OPTIMISATION_ENV=OPTIMISATION_ENV,
                                     SPINNING_ENV=SPINNING_ENV, level=level, spinning=spinning))
        options.graph_optimization_level = levels[level]
        options.log_severity_level = 3
        options.add_session_config_entry("session.intra_op.allow_spinning", spinning)  # see OMP_WAIT_POLICY above
        threads = int(os.environ.get(THREADS_ENV, "0") or 0)
        if threads > 0:  # several engines sharing one machine (detection/scenes.py's local workers)
            options.intra_op_num_threads = threads
        log.debug("ONNX Runtime session: providers %s, graph optimisation %s, spinning %s, intra-op threads %s",
                  providers, level, spinning, threads or "all cores")
        try:
            self.session = ort.InferenceSession(str(path), sess_options=options, providers=providers)
        except Exception as exc:  # noqa: BLE001 - ORT raises its own exception types
            raise ModelFileError(Message("ONNX Runtime cannot load {name}: {exc}", name=path.name,
                                         exc=str(exc).splitlines()[0])) from exc
        inputs = self.session.get_inputs()
        if len(inputs) != 1 or inputs[0].name != "input":
            raise ModelFileError(Message("{name} is not a Landslide Mapper graph (expected one input named 'input')",
                                         name=path.name))
        channels = inputs[0].shape[1]
        if isinstance(channels, int) and channels != card.in_channels:
            raise ModelFileError(Message("{name}: the graph takes {channels} channels but its card says {in_channels}",
                                         name=path.name, channels=channels, in_channels=card.in_channels))
        outputs = [o.name for o in self.session.get_outputs()]
        if "probability" not in outputs:
            raise ModelFileError(Message("{name} is not a Landslide Mapper graph (expected an output named "
                                         "'probability', it has {outputs})", name=path.name,
                                         outputs=", ".join(outputs) or "-"))
        self.card = card
        self.path_name = path.name
        used = self.session.get_providers()
        self.device = "cuda" if used and used[0] != "CPUExecutionProvider" else "cpu"
        self.providers = used

    def predict(self, batch: np.ndarray) -> np.ndarray:
        try:
            out = self.session.run(["probability"], {"input": np.ascontiguousarray(batch, dtype=np.float32)})[0]
        except Exception as exc:  # noqa: BLE001 - ORT raises its own types (e.g. InvalidArgument)
            first = (str(exc).strip().splitlines() or [""])[0]
            raise ModelFileError(Message("ONNX Runtime cannot run {path_name} on chips of {shape} channels ({first}): "
                                         "the graph does not match its card", path_name=self.path_name,
                                         shape=batch.shape[1], first=first)) from None
        return out[:, 0]


class TorchEngine:
    name = "torch"

    def __init__(self, path: Path, device: str = "auto") -> None:
        import torch

        from ..model.checkpoint import load_checkpoint
        from ..model.export import ProbabilityModel

        if device == "auto":
            device = "cuda" if torch.cuda.is_available() else "cpu"
        if device == "cuda" and not torch.cuda.is_available():
            raise InputError(Message("device 'cuda' was asked for, but PyTorch sees no CUDA GPU here (use device "
                                     "'cpu')"))
        model, card = load_checkpoint(path, device=device)
        self.card = card
        self.device = device
        self.model = ProbabilityModel(model).eval().to(memory_format=torch.channels_last)
        self._torch = torch

    def predict(self, batch: np.ndarray) -> np.ndarray:
        torch = self._torch
        x = torch.from_numpy(np.ascontiguousarray(batch, dtype=np.float32)).to(self.device)
        x = x.contiguous(memory_format=torch.channels_last)
        with torch.inference_mode():
            if self.device == "cuda":
                with torch.autocast("cuda", dtype=torch.float16):
                    y = self.model(x)
            else:
                y = self.model(x)
        return y[:, 0].float().cpu().numpy()


def open_engine(model_path: str | Path, engine: str = "auto", device: str = "auto") -> Engine:
    """Load a model file into the engine that should run it."""
    from ..model.checkpoint import read_card

    check_choice(Message("engine"), engine, ENGINES)  # (validated in DetectOptions too; evaluation, training: here)
    check_choice(Message("device"), device, DEVICES)
    path = Path(model_path)
    card = read_card(path)  # one clear error for missing, corrupt, pickled or foreign files
    is_onnx = path.suffix.lower() == ".onnx"
    if engine == "auto":
        engine = "onnx" if is_onnx else "torch"
    if engine == "onnx":
        if not is_onnx:
            raise InputError(Message("{name} is a PyTorch model file: export it to ONNX first (export_onnx) or use "
                                     "engine 'torch'", name=path.name))
        return OnnxEngine(path, card, device)
    if is_onnx:
        raise InputError(Message("{name} is an ONNX graph: use engine 'onnx' (or 'auto')", name=path.name))
    return TorchEngine(path, device)
