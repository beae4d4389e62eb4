"""Scene-level training (training/scenes.py): windows drawn from whole scenes, unmapped pixels out of the loss and
the metrics, mosaics of centred chips, several sources with region-mean validation, masks with odd values; and the
whole-scene evaluation through detect (training/scene_eval.py)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import rasterio
import torch
from affine import Affine
from synthetic import UTM, write_raster

from landslide_mapper.errors import InputError
from landslide_mapper.model.card import ModelCard
from landslide_mapper.model.checkpoint import read_card
from landslide_mapper.model.config import ModelConfig
from landslide_mapper.model.registry import build_model
from landslide_mapper.training.dataset import IGNORE, list_samples, load_sample
from landslide_mapper.training.metrics import covered_shares
from landslide_mapper.training.scene_eval import score, score_layer
from landslide_mapper.training.scenes import (
    LoadedScene,
    Mosaics,
    SceneSource,
    SceneTiles,
    SceneWindows,
    read_sources,
)
from landslide_mapper.training.train import ChipSet, TrainConfig, bce_dice_loss, evaluate_regions, train

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
JINSHA = SHARED / "datasets" / "jinsha-rgbdem"


def _card(**kw) -> ModelCard:
    cfg = ModelConfig(arch="threshold", fusion="none", dem_channels=0, probe_channel=0, probe_level=0.0)
    base = dict(name="red", architecture=cfg.to_dict(), mean=[0.5] * 3, std=[0.25] * 3, tile_size=64, overlap=8,
                resolution_m=1.0, optical_scaling={"method": "divide", "value": 255})
    return ModelCard(**{**base, **kw})


def _scene(folder: Path, size: int = 160) -> SceneSource:
    """A 1 m UTM scene: landslides are bright squares (red 250) on dark ground; the mask maps the left 3/4 only
    (255 on the right quarter, where one more landslide lies that must count nowhere)."""
    folder.mkdir(parents=True, exist_ok=True)
    mask = np.zeros((size, size), np.uint8)
    for r, c in ((10, 10), (60, 90), (120, 30), (100, 140)):
        mask[r:r + 24, c:c + 24] = 1
    image = np.where(mask[None] == 1, 250, 40).astype(np.uint8).repeat(3, axis=0)
    mask[:, 3 * size // 4:] = IGNORE
    tr = Affine(1.0, 0, 500000.0, 0, -1.0, 5000000.0)
    return SceneSource(str(write_raster(folder / "rgb.tif", image, tr, UTM)),
                       str(write_raster(folder / "mask.tif", mask, tr, UTM)), region="synthetic")


def test_scene_windows_put_landslides_off_centre_and_cut_by_the_edge(tmp_path):
    scene = LoadedScene(_scene(tmp_path), _card())
    assert scene.mask.shape == (160, 160) and (scene.mask[:, 120:] == IGNORE).all()
    windows = SceneWindows(scene, _card(), 48, seed=0, jitter=0.0)
    assert len(windows) == round(2 * 160 * 120 / 48 ** 2)  # twice the mapped area in windows per epoch
    centroids, cut, empty = [], 0, 0
    for _ in range(300):
        x, y = windows[0]
        t = y[0].numpy()
        assert x.shape == (3, 48, 48) and set(np.unique(t)) <= {0.0, 1.0, float(IGNORE)}
        assert (t != IGNORE).any()  # a position without any mapped pixel is redrawn
        land = t == 1
        if not land.any():
            empty += 1
            continue
        rows, cols = np.nonzero(land)
        centroids.append((rows.mean(), cols.mean()))
        cut += bool(land[0].any() or land[-1].any() or land[:, 0].any() or land[:, -1].any())
    c = np.array(centroids) - 23.5
    assert empty > 10  # windows without a landslide are drawn too
    assert cut > 30  # landslides cut by the window's edge
    assert np.abs(c).mean() > 8  # off-centre: the mean distance of the landslide centroid from the centre


def test_unmapped_pixels_count_in_neither_the_loss_nor_the_metrics():
    torch.manual_seed(0)
    logits = torch.randn(2, 1, 16, 16, requires_grad=True)
    target = torch.randint(0, 2, (2, 1, 16, 16)).float()
    target[1] = IGNORE  # the second window is wholly unmapped
    loss = bce_dice_loss(logits, target)
    loss.backward()
    assert torch.count_nonzero(logits.grad[1]) == 0  # it contributes nothing ...
    alone = bce_dice_loss(logits[:1].detach(), target[:1])
    assert float(loss.detach()) == pytest.approx(float(alone), rel=1e-5)  # ... not even to the batch's mean
    # a landslide drawn in the unmapped part changes nothing
    other = target.clone()
    other[0, 0, :4] = IGNORE
    changed = other.clone()
    changed[1, 0, 3:9, 3:9] = IGNORE
    assert float(bce_dice_loss(logits.detach(), other)) == pytest.approx(float(bce_dice_loss(logits.detach(),
                                                                                             changed)))
    # metrics: a perfect prediction on the mapped pixels scores 1 whatever lies in the unmapped ones
    model = build_model(_card().config).eval()
    x = -torch.ones(1, 3, 32, 32)
    x[0, 0, :16] = 1.0  # red above mid-grey: the threshold model says landslide in the top half
    y = torch.zeros(1, 1, 32, 32)
    y[0, 0, :16] = 1.0
    y[0, 0, 16:, :8] = IGNORE  # unmapped, where the prediction says landslide: counts as nothing
    x[0, 0, 16:, :8] = 1.0
    loader = [(x, y)]
    assert evaluate_regions(model, {"r": loader}, "cpu")["iou"] == pytest.approx(1.0)


def test_validation_is_the_mean_over_regions_not_the_pooled_score():
    model = build_model(_card().config).eval()
    x_good, x_bad = -torch.ones(1, 3, 32, 32), -torch.ones(1, 3, 32, 32)
    x_good[0, 0, :16] = 1.0
    y = torch.zeros(1, 1, 32, 32)
    y[0, 0, :16] = 1.0
    small = torch.zeros(1, 1, 32, 32)
    small[0, 0, :2] = 1.0  # a region with little landslide area, entirely missed
    res = evaluate_regions(model, {"big": [(x_good, y)], "small": [(x_bad, small)]}, "cpu")
    assert res["regions"]["big"]["iou"] == pytest.approx(1.0) and res["regions"]["small"]["iou"] == 0.0
    assert res["iou"] == pytest.approx(0.5)  # pooled it would be 512 / 576 = 0.89: one region cannot carry it


def _centred_chips(folder: Path, n: int = 24, size: int = 64) -> Path:
    """Chips like Bijie's: one landslide in the middle of each (and a few without)."""
    for sub in ("images", "masks"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    for i in range(n):
        mask = np.zeros((size, size), np.uint8)
        if i % 4:
            mask[size // 2 - 8:size // 2 + 8, size // 2 - 8:size // 2 + 8] = 1
        image = np.where(mask[None] == 1, 250, 40).astype(np.uint8).repeat(3, axis=0)
        for sub, data in (("images", image), ("masks", mask[None])):
            with rasterio.open(folder / sub / f"aa{i}.tif", "w", driver="GTiff", width=size, height=size,
                               count=data.shape[0], dtype="uint8", transform=Affine.identity()) as dst:
                dst.write(data)
    return folder


def test_mosaics_spread_the_positions_and_counts_of_centred_landslides(tmp_path):
    chips = ChipSet(list_samples(_centred_chips(tmp_path / "chips")), _card(), True, None, seed=0, jitter=0.0)
    plain = [chips[i][1][0].numpy() for i in range(len(chips))]
    offsets_plain = [np.abs(np.array(np.nonzero(m == 1)).mean(axis=1) - 31.5).max() for m in plain if m.any()]
    assert max(offsets_plain) < 1  # every chip's landslide sits in its centre
    mosaics = Mosaics(chips, 2, 64, seed=0)
    assert len(mosaics) == 24  # as many windows of 64 as cover the chips' pixels once
    offsets, counts = [], []
    from landslide_mapper.training.metrics import label_components

    for _ in range(200):
        x, y = mosaics[0]
        assert x.shape == (3, 64, 64) and y.shape == (1, 64, 64)
        m = y[0].numpy() == 1
        labels, n = label_components(m)
        counts.append(n)
        for k in range(1, n + 1):
            rows, cols = np.nonzero(labels == k)
            offsets.append(max(abs(rows.mean() - 31.5), abs(cols.mean() - 31.5)))
    offsets = np.array(offsets)
    # positions spread over the window: a quarter of the objects lie more than 16 px (a quarter side) off centre
    assert np.quantile(offsets, 0.75) > 16 and offsets.std() > 6
    assert len(set(counts)) >= 3  # 0 to 4 landslides per window: the count carries no fixed information


def test_region_mean_validation_and_sources_in_one_training_run(tmp_path):
    _centred_chips(tmp_path / "chips")
    scene = _scene(tmp_path / "scene")
    sources = tmp_path / "sources.json"
    sources.write_text(json.dumps({"sources": [
        {"chips": "chips", "mosaic": 2, "weight": 1},
        {"image": scene.image, "mask": scene.mask, "region": "synthetic", "weight": 2}]}))
    config = TrainConfig(arch="unet_mobilenetv2", epochs=1, batch_size=4, lr=1e-3, warmup_epochs=0, crop=64,
                         val_regions=["synthetic"], test_regions=[], tile_size=64, overlap=8, resolution_m=1.0,
                         name="tiny", tta_thresholds=False)
    r = train(sources, tmp_path / "run", config)
    card = read_card(r.best_path)
    assert card.training["regions"] == {"train": ["aa"], "val": ["synthetic"], "test": []}
    assert "mosaic 2x2" in card.training["data"] and "scene synthetic" in card.training["data"]
    assert r.splits["val"] == len(SceneTiles(LoadedScene(scene, card, 64), card, 64))
    with pytest.raises(InputError, match="name the validation regions"):
        train(sources, tmp_path / "run2", TrainConfig(crop=64, epochs=1))
    with pytest.raises(InputError, match="window size"):
        train(sources, tmp_path / "run3", TrainConfig(val_regions=["synthetic"], epochs=1))
    assert not (tmp_path / "run2").exists() and not (tmp_path / "run3").exists()


def test_scene_tiles_cover_each_mapped_pixel_once(tmp_path):
    scene = LoadedScene(_scene(tmp_path), _card())
    tiles = SceneTiles(scene, _card(), 64)
    seen = np.zeros(scene.mask.shape, int)
    for i, (r, c, _) in enumerate(tiles.items):
        y = tiles[i][1][0].numpy()
        seen[r:r + 64, c:c + 64] += y != IGNORE
    assert (seen == (scene.mask != IGNORE)).all()


@pytest.mark.parametrize("doc, message", [
    ({"sources": []}, "at least one"),
    ({"sources": [{"chips": "x", "mosaic": 9}]}, "mosaic must be"),
    ({"sources": [{"chips": "x", "weight": "heavy"}]}, "weight must be a number"),
    ({"sources": [{"chips": "x", "weight": float("nan")}]}, "weight must be a number > 0"),
    ({"sources": [{"image": "a.tif", "mask": "m.tif"}]}, "needs 'image', 'region' and either 'mask'"),
    ({"sources": [{"image": "a.tif", "mask": "m.tif", "landslides": "p.gpkg", "region": "r"}]}, "either 'mask'"),
    ({"sources": [{"image": "a.tif", "mask": "m.tif", "mapped_area": "p.gpkg", "region": "r"}]},
     "'mapped_area' goes with 'landslides'"),
    ({"sources": [{"image": "a.tif", "mask": "m.tif", "region": "r", "colour": 1}]}, "unknown key"),
    ({"sources": [{"image": "a.tif", "mask": "m.tif", "region": "r"},
                  {"image": "b.tif", "mask": "n.tif", "region": "r"}]}, "same region"),
])
def test_a_bad_sources_file_is_one_sentence(tmp_path, doc, message):
    path = tmp_path / "sources.json"
    path.write_text(json.dumps(doc))
    with pytest.raises(InputError, match=message):
        read_sources(path)


def test_sources_paths_are_relative_to_the_file(tmp_path):
    path = tmp_path / "sub" / "sources.json"
    path.parent.mkdir()
    path.write_text(json.dumps({"sources": [{"image": "a.tif", "mask": "/abs/m.tif", "region": "r"}]}))
    (src,) = read_sources(path)
    assert src.image == str(tmp_path / "sub" / "a.tif") and src.mask == "/abs/m.tif"


def test_masks_with_other_values_are_refused_and_255_is_unmapped(tmp_path):
    chips = _centred_chips(tmp_path / "chips", n=4)
    name = sorted((chips / "masks").iterdir())[1]
    with rasterio.open(name, "r+") as dst:
        m = dst.read(1)
        m[0, 0] = 7
        dst.write(m, 1)
    with pytest.raises(InputError, match="mask values other than 0 .* 7"):
        [load_sample(s) for s in list_samples(chips)]
    m[0, 0] = IGNORE
    with rasterio.open(name, "r+") as dst:
        dst.write(m, 1)
    _, _, mask = load_sample(list_samples(chips)[1])
    assert mask[0, 0] == IGNORE and mask.max() == IGNORE
    # a 0/255 landslide mask (a common export) is refused, not read as all "not mapped"
    for path in (chips / "masks").iterdir():
        with rasterio.open(path, "r+") as dst:
            dst.write((dst.read(1) > 0).astype(np.uint8) * 255, 1)
    with pytest.raises(InputError, match="hold 0 and 255 but no 1"):
        ChipSet(list_samples(chips), _card(), False, None, 0)


def test_a_truncated_chip_is_refused_not_used(tmp_path):
    from PIL import Image

    folder = tmp_path / "chips"
    for sub in ("images", "masks"):
        (folder / sub).mkdir(parents=True)
    rng = np.random.default_rng(0)
    Image.fromarray(rng.integers(0, 255, (224, 224, 3), dtype=np.uint8)).save(folder / "images" / "aa1.png")
    Image.fromarray(np.zeros((224, 224), np.uint8)).save(folder / "masks" / "aa1.png")
    data = (folder / "images" / "aa1.png").read_bytes()
    (folder / "images" / "aa1.png").write_bytes(data[: len(data) // 2])
    with pytest.raises(InputError, match="damaged or truncated"):
        load_sample(list_samples(folder)[0])


def test_scene_score_and_covered_shares():
    truth = np.zeros((20, 40), bool)
    truth[2:6, 2:38] = True  # a long scar of 144 pixels
    truth[10:18, 10:18] = True  # a compact one of 64
    blob = np.zeros_like(truth)
    blob[2:6, 2:8] = True  # a blob at the scar's head
    blob[10:18, 10:18] = True
    shares = covered_shares(blob, truth)
    assert shares.tolist() == pytest.approx([24 / 144, 1.0])
    mapped = np.ones_like(truth)
    mapped[:, 20:] = False  # only the left half mapped
    s = score(blob, truth, mapped)
    assert s["iou"] == pytest.approx((24 + 64) / (72 + 64)) and s["landslides"] == 2
    assert s["covered_share_median"] == pytest.approx((24 / 72 + 1.0) / 2)


def test_score_layer_burns_polygons_in_another_crs_onto_the_mask(tmp_path):
    import fiona
    from pyproj import Transformer
    from shapely.geometry import box, mapping
    from shapely.ops import transform as shp_transform

    tr = Affine(1.0, 0, 500000.0, 0, -1.0, 5000000.0)
    mask = np.zeros((50, 50), np.uint8)
    mask[10:30, 10:30] = 1
    mask[40:, :] = IGNORE
    mask_path = write_raster(tmp_path / "mask.tif", mask, tr, UTM)
    square = box(500010, 4999970, 500030, 4999990)  # exactly the landslide
    to_ll = Transformer.from_crs(UTM, "EPSG:4326", always_xy=True).transform
    with fiona.open(tmp_path / "p.gpkg", "w", driver="GPKG", crs="EPSG:4326",
                    schema={"geometry": "Polygon", "properties": {}}) as dst:
        dst.write({"geometry": mapping(shp_transform(to_ll, square)), "properties": {}})
    s = score_layer(tmp_path / "p.gpkg", mask_path)
    assert s["iou"] > 0.95 and s["mapped_pixels"] == 40 * 50
    bad = mask.copy()
    bad[0, 0] = 7
    with pytest.raises(InputError, match="other than 0"):
        score_layer(tmp_path / "p.gpkg", write_raster(tmp_path / "bad.tif", bad, tr, UTM))


@pytest.mark.skipif(not JINSHA.exists(), reason="needs ../shared/datasets/jinsha-rgbdem")
def test_a_real_scene_is_read_as_detection_reads_it():
    from rasterio.windows import Window

    from landslide_mapper.detection.raster_io import (
        OpticalReader,
        optical_scaler,
        processing_grid,
        resolve_optical,
        scene_statistics,
    )

    card = _card(optical_scaling={"method": "percentile"}, mean=[0.5] * 3, std=[0.5] * 3)
    src = SceneSource(str(JINSHA / "area_A_rgb.tif"), str(JINSHA / "area_A_mask.tif"), "jinsha_a")
    scene = LoadedScene(src, card)
    grid = processing_grid(src.image, 1.0)
    assert scene.mask.shape == (grid.height, grid.width)  # the 0.5 m scene on the card's 1 m grid
    mapped = scene.mask != IGNORE
    assert 0.3 < mapped.mean() < 0.6 and 0.1 < (scene.mask[mapped] == 1).mean() < 0.3
    # the same stretch as detection: the whole scene's statistics, standardised as the card says
    spec = resolve_optical([src.image], None)
    reader = OpticalReader(spec, grid)
    w = Window(300, 400, 64, 64)
    raw, valid = reader.read(w)
    reader.close()
    expected = optical_scaler(card.optical_scaling, np.dtype("uint8"), scene_statistics(spec), card.mean, card.std)(raw)
    expected[:, ~valid] = 0.0
    tile = SceneTiles(scene, card, 64)
    tile.items = [(400, 300, np.ones((64, 64), bool))]
    x, _ = tile[0]
    assert np.allclose(x.numpy(), expected, atol=1e-5)


@pytest.mark.skipif(not JINSHA.exists(), reason="needs ../shared/datasets/jinsha-rgbdem")
def test_evaluate_a_scene_on_the_command_line(tmp_path):
    import subprocess
    import sys

    cli = [sys.executable, "-m", "landslide_mapper", "evaluate", "--model",
           str(Path(__file__).resolve().parents[1] / "resources" / "models" / "landslide_mapper_default.onnx")]
    scene = ["--scene", str(JINSHA / "area_A_rgb.tif")]
    mask = ["--mask", str(JINSHA / "area_A_mask.tif")]
    run = subprocess.run([*cli, *scene, *mask, "--report", str(tmp_path / "r.json")], capture_output=True, text=True,
                         timeout=300)
    assert run.returncode == 0, run.stderr
    report = json.loads((tmp_path / "r.json").read_text())
    assert 0.3 < report["iou"] < 0.45 and report["landslides"] == 13  # the bundled model on Jinsha A: about 0.36
    assert "Covered share per landslide" in (tmp_path / "r.md").read_text()
    run = subprocess.run([*cli, *scene], capture_output=True, text=True, timeout=300)
    assert run.returncode == 2 and "--scene needs --mask" in run.stderr and "Traceback" not in run.stderr


def test_landslide_polygons_and_a_mapped_area_make_the_mask(tmp_path):
    """Issue 25's partial inventory: inside the mapped area, everything outside a polygon is background; outside
    it, nothing counts. Polygons in another CRS are reprojected; those outside the area are left out, with a line."""
    import fiona
    from pyproj import Transformer
    from shapely.geometry import box, mapping
    from shapely.ops import transform as shp_transform

    src = _scene(tmp_path / "scene")  # 1 m grid at (500000, 5000000), 160 x 160; landslides at known squares
    x0, y0 = 500000.0, 5000000.0

    def write(path, boxes, crs="EPSG:32633"):
        to = Transformer.from_crs("EPSG:32633", crs, always_xy=True).transform
        with fiona.open(path, "w", driver="GPKG", crs=crs, schema={"geometry": "Polygon", "properties": {}}) as dst:
            for b in boxes:
                dst.write({"geometry": mapping(shp_transform(to, b)), "properties": {}})
        return str(path)

    def cell(r, c, h=24, w=24):  # pixel rows/cols -> a box in metres
        return box(x0 + c, y0 - r - h, x0 + c + w, y0 - r)

    slides = write(tmp_path / "slides.gpkg", [cell(10, 10), cell(60, 90), cell(120, 30)], crs="EPSG:4326")
    area = write(tmp_path / "area.gpkg", [cell(0, 0, 100, 130)])  # the top-left: holds the first two only
    lines = []
    scene = LoadedScene(SceneSource(src.image, None, "poly", landslides=slides, mapped_area=area), _card(),
                        log=lines.append)
    m = scene.mask
    assert (m[:100, :130] != IGNORE).all() and (m[100:, :] == IGNORE).all() and (m[:, 130:] == IGNORE).all()
    expected = np.zeros((100, 130), np.uint8)
    expected[10:34, 10:34] = 1
    expected[60:84, 90:114] = 1
    assert np.count_nonzero(m[:100, :130] != expected) <= 4 * 24  # boundaries moved by the EPSG:4326 round trip
    assert lines == ["1 of 3 landslide polygons lie outside the mapped area or the image: left out"]
    # without a mapped area, the whole image is mapped
    whole = LoadedScene(SceneSource(src.image, None, "poly", landslides=slides), _card())
    assert (whole.mask != IGNORE).all() and (whole.mask == 1).sum() > 3 * 24 * 24 - 200
    far = write(tmp_path / "far.gpkg", [box(0, 0, 10, 10)])
    with pytest.raises(InputError, match="no landslide polygon lies inside"):
        LoadedScene(SceneSource(src.image, None, "poly", landslides=far), _card())
