"""A DEM input added to a trained RGB-only network: the fine-tuning of an RGB model (the bundled one) on an area
whose DEM the user has, so the adapted model can learn what the terrain says (a landslide scar is steep and lies
below the slope it fell from; a field is flat), starting from exactly what the RGB model knew.

The card's default DEM channels (``card.DEFAULT_DEM_CHANNELS``: relative elevation and slope) are stacked after
the RGB bands (fusion ``stack``, the only fusion that adds no new layer): every weight of the RGB network is kept,
and the first convolution gets one more input slice per DEM channel, all zero. Until training moves them, the
network's outputs are the RGB network's to the bit, whatever the DEM holds.
"""

from __future__ import annotations

import dataclasses

import torch
from torch import nn

from ..errors import Message, ModelFileError
from .card import DEFAULT_DEM_CHANNELS, ModelCard
from .registry import build_model


def with_dem_input(model: nn.Module, card: ModelCard) -> tuple[nn.Module, ModelCard]:
    """``(network, card)`` reading RGB + the default DEM channels, with ``model``'s weights and zero weights on the
    DEM's inputs (train or eval mode as ``model``). A model that reads a DEM already is returned as it is."""
    if card.uses_dem:
        return model, card
    channels = [dict(c) for c in DEFAULT_DEM_CHANNELS]
    architecture = {**card.architecture, "fusion": "stack", "dem_channels": len(channels)}
    wide_card = dataclasses.replace(card, architecture=architecture, dem_channels=channels)
    wide = build_model(wide_card.config)
    old = model.state_dict()

    def refused(key: str) -> ModelFileError:
        return ModelFileError(Message("the model {name} ({arch}) cannot be given a DEM input: its layers do not match "
                                      "the same network reading a DEM ({key})", name=card.name,
                                      arch=card.architecture.get("arch"), key=key))

    state = {}
    for key, value in wide.state_dict().items():
        weight = old.get(key)
        if weight is not None and weight.shape != value.shape:
            if (weight.ndim != 4 or weight.shape[0] != value.shape[0] or weight.shape[2:] != value.shape[2:]
                    or value.shape[1] - weight.shape[1] != len(channels)):
                weight = None
            else:
                padded = torch.zeros_like(value)
                padded[:, : weight.shape[1]] = weight
                weight = padded
        if weight is None:
            raise refused(key)
        state[key] = weight
    if set(old) != set(state):
        raise refused(sorted(set(old) ^ set(state))[0])
    wide.load_state_dict(state)
    return wide.train(model.training), wide_card
