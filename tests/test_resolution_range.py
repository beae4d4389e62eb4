"""A model trained across a range of ground resolutions (issue 26): the card records the range, training draws its
windows across it (each averaged down from a larger window), and detection processes an image within the range at
its own pixel size instead of upsampling it to the model's."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
import torch
from affine import Affine
from detect_options import plan_detection
from rasterio.crs import CRS
from synthetic import oracle_card, write_raster
from test_train import _chips, _config

from landslide_mapper.detection.options import Overrides, resolve_overrides
from landslide_mapper.errors import InputError
from landslide_mapper.model.card import ModelCard
from landslide_mapper.model.checkpoint import read_card, save_checkpoint
from landslide_mapper.model.registry import build_model
from landslide_mapper.training.dataset import IGNORE
from landslide_mapper.training.scenes import Coarsened
from landslide_mapper.training.train import train

UTM = CRS.from_epsg(32647)


def ranged_card(resolution_range_m=(1.0, 2.0)) -> ModelCard:
    card = oracle_card(rgb_only=True)
    return dataclasses.replace(card, resolution_m=1.0,
                               resolution_range_m=None if resolution_range_m is None else list(resolution_range_m))


def test_the_card_records_a_range_around_its_resolution():
    card = ranged_card()
    assert ModelCard.from_json(card.to_json()).resolution_range_m == [1.0, 2.0]
    assert card.in_resolution_range(2.0) and card.in_resolution_range(1.5) and not card.in_resolution_range(2.5)
    assert not ranged_card(None).in_resolution_range(2.0) and ranged_card(None).in_resolution_range(1.0)
    with pytest.raises(ValueError, match="resolution_range_m"):
        ranged_card((1.5, 2.0))  # the range must hold the card's own resolution


@pytest.mark.parametrize("pixel, user, expected", [
    (2.0, None, 2.0),   # within the range, coarser than the model's: its own pixel size
    (1.6, None, 1.6),
    (1.005, None, 1.005),  # a hair coarser: its own too (a model without a range keeps exactly its own)
    (0.5, None, 1.0),   # finer than the model's: resampled to the model's, as before
    (3.0, None, 1.0),   # coarser than the range: upsampled to the model's
    (2.0, 1.0, 1.0),    # the user's resolution wins
])
def test_an_image_within_the_range_is_processed_at_its_own_pixel_size(pixel, user, expected):
    assert resolve_overrides(Overrides(resolution=user), ranged_card(), "none", pixel).resolution == expected
    # a model without a range: always its own resolution (unless the user says otherwise)
    assert resolve_overrides(Overrides(resolution=user), ranged_card(None), "none", pixel).resolution == (user or 1.0)


def test_detection_plans_a_2_m_image_at_2_m_with_a_model_trained_across_1_to_2_m(tmp_path):
    rng = np.random.default_rng(0)
    image = write_raster(tmp_path / "two_m.tif", rng.integers(0, 255, (3, 200, 300), dtype=np.uint8),
                         Affine(2.0, 0, 500000, 0, -2.0, 3000000), UTM)
    logs = {}
    for label, card in (("range", ranged_card()), ("none", ranged_card(None))):
        model = save_checkpoint(tmp_path / f"{label}.safetensors", build_model(card.config).eval(), card)
        lines = logs.setdefault(label, [])
        plan, _ = plan_detection(str(image), model=str(model), log=lines.append)
        logs[label] = (plan.grid.resolution, plan.grid.width, lines)
    res, width, lines = logs["range"]
    assert (res, width) == (2.0, 300)  # a quarter of the pixels (and chips) of the upsampled grid
    assert any("processed at 2 m, not resampled to the model's 1 m" in line for line in lines)
    assert logs["none"][:2] == (1.0, 600)


def test_coarsened_windows_average_larger_windows_down_to_the_crop():
    """Each window is a random window of crop x f pixels (f in [1, 2]) averaged to the crop: the landslide's share
    of the window is kept, unmapped pixels stay unmapped, and both ends of the range are drawn."""
    x = torch.zeros(3, 320, 320)
    y = torch.zeros(1, 320, 320)
    y[:, :, :160] = 1  # the left half is a landslide
    x[:, :, :160] = 1.0
    y[:, :20] = IGNORE  # the top rows are not mapped
    drawn = []

    class Spy:
        def __len__(self):
            return 1

        def __getitem__(self, i):
            return x, y

    ds = Coarsened(Spy(), 64, 2.0, seed=0)
    for _ in range(200):
        a, b = ds[0]
        assert a.shape == (3, 64, 64) and b.shape == (1, 64, 64)
        assert set(b.unique().tolist()) <= {0.0, 1.0, float(IGNORE)}
        mapped = b != IGNORE
        # the image is the landslide's indicator: averaging keeps the two together
        assert torch.equal((a[0][mapped[0]] > 0.5), b[mapped] == 1)
        drawn.append(float(a[0].mean()))
    # windows drawn from 64 to 128 px: some see only one half, some straddle it
    assert min(drawn) < 0.05 and max(drawn) > 0.95 and any(0.2 < d < 0.8 for d in drawn)


def test_training_across_a_range_records_it_in_the_card(tmp_path):
    data = _chips(tmp_path / "chips", with_dem=False)
    r = train(data, tmp_path / "run", _config(epochs=1, crop=32, coarsest_m=4.0, resolution_m=2.0,
                                              overrides={"fusion": "none", "dem_channels": 0}))
    card = read_card(r.best_path)
    assert card.resolution_range_m == [2.0, 4.0] and card.training["recipe"]["coarsest_m"] == 4.0
    with pytest.raises(InputError, match="needs a random crop"):
        _config(coarsest_m=4.0)
    with pytest.raises(InputError, match="RGB-only"):
        train(data, tmp_path / "dem", _config(epochs=1, crop=32, coarsest_m=4.0, resolution_m=2.0))
