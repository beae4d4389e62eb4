"""The PyTorch network back from an exported ONNX graph (``export.py``), so that a model shipped only as ONNX (the
bundled one) can be fine-tuned (``train --init``, ``adapt``).

Export folds every batch normalisation that follows a convolution into that convolution: ``W' = W * g / s`` and
``b' = beta + (b - mean) * g / s`` with ``s = sqrt(var + eps)``. The original ``g``, ``beta``, ``mean`` and ``var``
are gone, but the function is not: the rebuilt network takes ``W'`` as the convolution's weight and a batch
normalisation that is the identity plus ``b'`` (weight 1, bias ``b'``, mean 0, variance ``1 - eps``). Its outputs
are the graph's own. Such a network must be fine-tuned with its batch-norm statistics frozen (``train.py`` does so
for every ``--init``): in training mode a batch normalisation would normalise by the batch instead.

The mapping: the graph's ``Conv``/``ConvTranspose`` nodes, in graph order, are the network's convolutions in the
order its forward pass calls them (the exporter traces that pass; a convolution called twice, as the shared MLP of
CBAM, is two nodes with one weight). Which batch normalisation follows which convolution is read from the same
traced pass. Casts (float16 storage) and Identity nodes (the exporter shares equal tensors) are followed back to
the stored tensor. Parameters the exporter kept by name (``net.<name>``) are taken by name; a remaining
``BatchNormalization`` node fills the next unfolded batch normalisation. Every shape is checked, every weight must
be used, and the rebuilt network is run against ONNX Runtime on a sample before it is returned.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
from torch import nn

from ..errors import Message, ModelFileError
from .card import ModelCard

#: largest difference of probabilities between the graph and the rebuilt network that is accepted (float16 weights
#: are stored in the graph as they are used, so the two compute the same function up to float32 rounding)
TOLERANCE = 1e-3
_PREFIX = "net."  # export.ProbabilityModel wraps the network as ``net``


def _trace(model: nn.Module, channels: int) -> tuple[list[nn.Module], dict, list[nn.BatchNorm2d], dict]:
    """The convolutions in call order, the batch normalisation that directly follows each, the batch
    normalisations that follow none, and every module's position in the call order (its first call)."""
    calls: list[nn.Module] = []
    last: dict = {}
    follows: dict = {}
    free: list = []
    order: dict = {}

    def on_any(module, _inputs):
        order.setdefault(module, len(order))

    def on_conv(module, _inputs, output):
        calls.append(module)
        last["conv"], last["out"] = module, output

    def on_bn(module, inputs):
        if last.get("out") is inputs[0]:
            follows[last["conv"]] = module
        elif module not in free:
            free.append(module)

    handles = [m.register_forward_pre_hook(on_any) for m in model.modules()]
    for m in model.modules():
        if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d)):
            handles.append(m.register_forward_hook(on_conv))
        elif isinstance(m, nn.BatchNorm2d):
            handles.append(m.register_forward_pre_hook(on_bn))
    try:
        with torch.no_grad():
            model(torch.zeros(1, channels, 64, 64))
    finally:
        for h in handles:
            h.remove()
    return calls, follows, [bn for bn in free if bn not in follows.values()], order


def network_from_onnx(path: str | Path) -> tuple[nn.Module, ModelCard]:
    """``(network in eval mode with the graph's weights, the graph's card)``; one :class:`ModelFileError` when the
    graph cannot be mapped onto the architecture its card names."""
    import onnx
    from onnx import numpy_helper

    from .checkpoint import card_from_onnx
    from .registry import build_model

    path = Path(path)
    card = card_from_onnx(path)
    model = build_model(card.config).eval()
    graph = onnx.load(str(path)).graph
    stored = {i.name: numpy_helper.to_array(i) for i in graph.initializer}
    values, root = dict(stored), {n: n for n in stored}
    for node in graph.node:  # float16 storage (stored -> Cast -> float32) and shared tensors (-> Identity)
        if node.op_type in ("Cast", "Identity") and node.input[0] in values:
            source = np.asarray(values[node.input[0]])
            values[node.output[0]] = source.astype(np.float32) if np.issubdtype(source.dtype, np.floating) else source
            root[node.output[0]] = root[node.input[0]]
    used: set = set()

    def take(name: str, shape: tuple, what: str) -> torch.Tensor:
        if name not in values:
            raise ModelFileError(Message("{name}: {what} is not a stored weight of the graph", name=path.name,
                                         what=what))
        array = np.asarray(values[name], dtype=np.float32)
        if tuple(array.shape) != tuple(shape):
            raise ModelFileError(Message("{name}: the graph does not match the architecture in its card ({what}: "
                                         "{shape} instead of {shape2})", name=path.name, what=what,
                                         shape=tuple(array.shape), shape2=tuple(shape)))
        used.add(root[name])
        return torch.from_numpy(array.copy())

    state = model.state_dict()
    assigned: dict[str, torch.Tensor] = {}
    for name in values:  # parameters the exporter kept by name
        if name.startswith(_PREFIX) and name[len(_PREFIX):] in state:
            key = name[len(_PREFIX):]
            assigned[key] = take(name, state[key].shape, key)

    names = {m: n for n, m in model.named_modules()}
    calls, follows, free_bns, order = _trace(model, card.in_channels)
    nodes = [n for n in graph.node if n.op_type in ("Conv", "ConvTranspose")]
    if len(nodes) != len(calls):
        raise ModelFileError(Message("{name}: the graph has {n_nodes} convolutions, the architecture in its card "
                                     "{n_calls}", name=path.name, n_nodes=len(nodes), n_calls=len(calls)))
    for node, conv in zip(nodes, calls):
        key = names[conv]
        assigned[f"{key}.weight"] = take(node.input[1], conv.weight.shape, f"{key}.weight")
        bias = take(node.input[2], (conv.weight.shape[1 if isinstance(conv, nn.ConvTranspose2d) else 0],),
                    f"{key} bias") if len(node.input) > 2 and node.input[2] else None
        bn = follows.get(conv)
        if bn is None:
            if conv.bias is not None:
                if bias is None:
                    raise ModelFileError(Message("{name}: {key} has no bias in the graph", name=path.name, key=key))
                assigned[f"{key}.bias"] = bias
            elif bias is not None:
                raise ModelFileError(Message("{name}: {key} has a bias in the graph but none in the architecture",
                                             name=path.name, key=key))
            continue
        if conv.bias is not None:  # the folded bias holds the convolution's own
            assigned[f"{key}.bias"] = torch.zeros_like(conv.bias)
        b = names[bn]
        zero = torch.zeros(bn.num_features) if bias is None else bias
        assigned.update({f"{b}.weight": torch.ones(bn.num_features), f"{b}.bias": zero,
                         f"{b}.running_mean": torch.zeros(bn.num_features),
                         f"{b}.running_var": torch.full((bn.num_features,), 1.0 - bn.eps)})
    bn_nodes = [n for n in graph.node if n.op_type == "BatchNormalization"]
    if len(bn_nodes) != len(free_bns):
        raise ModelFileError(Message("{name}: the graph has {n_bn_nodes} unfolded batch normalisations, the "
                                     "architecture {n_free_bns}", name=path.name, n_bn_nodes=len(bn_nodes),
                                     n_free_bns=len(free_bns)))
    for node, bn in zip(bn_nodes, free_bns):
        b = names[bn]
        for part, name in zip(("weight", "bias", "running_mean", "running_var"), node.input[1:5]):
            assigned[f"{b}.{part}"] = take(name, (bn.num_features,), f"{b}.{part}")

    floats = {k for k, v in state.items() if v.is_floating_point()}
    _transformed(model, graph, floats - set(assigned), order, values, root, used, assigned)
    missing = sorted(floats - set(assigned))
    unused = sorted(n for n, v in stored.items() if n not in used and np.issubdtype(v.dtype, np.floating)
                    and v.size > 1)
    if missing or unused:
        raise ModelFileError(Message("{name}: the graph's weights could not all be mapped onto the architecture in "
                                     "its card ({n_missing} tensor(s) of the network without a value, e.g. {missing}; "
                                     "{n_unused} weight(s) of the graph unused, e.g. {unused})", name=path.name,
                                     n_missing=len(missing), missing=missing[:2], n_unused=len(unused),
                                     unused=unused[:2]))
    state.update(assigned)
    model.load_state_dict(state)
    _check_against_graph(model, card, path)
    return model, card


def _transformed(model: nn.Module, graph, keys: set, order: dict, values: dict, root: dict, used: set,
                 assigned: dict) -> None:
    """Parameters the exporter reshaped and folded into unnamed constants (ConvNeXt's layer scale ``gamma``):
    the network's remaining parameters in the order their modules are called, against the graph's remaining stored
    tensors in the order its operators use them, matched one to one by size (the check against the graph follows)."""
    if not keys:
        return
    owner = {}
    for name, module in model.named_modules():
        for p_name, _ in module.named_parameters(recurse=False):
            owner[f"{name}.{p_name}" if name else p_name] = (order.get(module, len(order)), module)
    wanted = sorted(keys, key=lambda k: (owner.get(k, (len(order),))[0], k))
    spare, seen = [], set()
    for node in graph.node:
        if node.op_type in ("Cast", "Identity"):  # aliases: their users count
            continue
        for name in node.input:
            r = root.get(name)
            if r is None or r in used or name in seen or not np.issubdtype(values[name].dtype, np.floating) \
                    or values[name].size < 2:
                continue
            seen.add(name)
            spare.append(name)
    state = model.state_dict()
    for key, name in zip(wanted, spare):
        if values[name].size != state[key].numel():
            return  # not the same tensors: reported as unmapped
        assigned[key] = torch.from_numpy(np.asarray(values[name], np.float32).reshape(tuple(state[key].shape)).copy())
        used.add(root[name])


def _check_against_graph(model: nn.Module, card: ModelCard, path: Path) -> None:
    """Run the rebuilt network and the graph on one seeded sample; refuse a difference above :data:`TOLERANCE`."""
    import onnxruntime as ort

    x = np.random.default_rng(0).standard_normal((1, card.in_channels, 96, 96)).astype(np.float32)
    options = ort.SessionOptions()
    options.log_severity_level = 3
    session = ort.InferenceSession(str(path), sess_options=options, providers=["CPUExecutionProvider"])
    expected = session.run(None, {session.get_inputs()[0].name: x})[0]
    with torch.no_grad():
        got = torch.sigmoid(model(torch.from_numpy(x))).numpy()
    worst = float(np.abs(got - expected).max())
    if not worst <= TOLERANCE:
        raise ModelFileError(Message("{name}: the network rebuilt from the graph differs from it by {worst:.2g} "
                                     "(probability); it cannot be trained further", name=path.name, worst=worst))
