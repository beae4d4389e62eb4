"""Training chips from a scene + inventory (same grid and DEM code as detection), and from LabelMe JSON."""

from __future__ import annotations

import base64
import json

import fiona
import numpy as np
import pytest
import rasterio
import synthetic
from rasterio.features import shapes
from rasterio.warp import transform_geom

from landslide_mapper.errors import InputError
from landslide_mapper.training.chips import import_labelme, prepare_chips
from landslide_mapper.training.dataset import list_samples, load_sample


def _inventory(path, mask, optical, crs="EPSG:4326", region=None):
    with rasterio.open(optical) as src:
        tr, src_crs = src.transform, src.crs
    schema = {"geometry": "Polygon", "properties": {"region": "str"}}
    with fiona.open(path, "w", driver="GPKG", schema=schema, crs=crs) as dst:
        for g, _ in shapes(mask.astype(np.uint8), mask=mask, transform=tr):
            dst.write({"geometry": transform_geom(src_crs, crs, g), "properties": {"region": region}})
    return path


def test_prepare_chips_masks_and_dems_on_the_detection_grid(tmp_path):
    opt, dem, mask = synthetic.scene(tmp_path)
    inv = _inventory(tmp_path / "inv.gpkg", mask, opt, region="east")
    meta = prepare_chips(opt, inv, tmp_path / "chips", dem=dem, chip_size=64, stride=64, negative_ratio=0.5)
    chips = meta["chips"]
    pos = [c for c in chips if c["landslide"]]
    neg = [c for c in chips if not c["landslide"]]
    assert pos and len(neg) == int(np.ceil(0.5 * len(pos)))
    assert meta["resolution_m"] == 2.0 and meta["chip_size"] == 64 and meta["source"]["bands"] == [3, 2, 1]
    samples = {s.name: s for s in list_samples(tmp_path / "chips")}
    assert len(samples) == len(chips) and all(s.region == "east" for s in samples.values() if
                                              s.name.startswith("east"))
    with rasterio.open(opt) as src:
        bgr = src.read()
    for c in chips:
        image, z, m = load_sample(samples[c["name"]])
        r, k = c["row"], c["col"]
        expected = mask[r:r + 64, k:k + 64]
        # the inventory went to EPSG:4326 and back: boundaries may move by at most one pixel
        assert np.count_nonzero(m != expected) <= max(4, 0.1 * expected.sum())
        assert np.array_equal(image, bgr[[2, 1, 0], r:r + 64, k:k + 64])  # bands 3,2,1 = R,G,B
        assert np.allclose(z[0], np.where(expected, 150.0, 50.0))
    with pytest.raises(InputError, match="multiple of 32"):
        prepare_chips(opt, inv, tmp_path / "bad", dem=dem, chip_size=50)
    with pytest.raises(InputError, match="inventory not found"):
        prepare_chips(opt, tmp_path / "none.gpkg", tmp_path / "bad", dem=dem, chip_size=64)


def test_prepare_chips_bad_layers_and_a_truncated_image_are_one_sentence_and_no_folder(tmp_path):
    from landslide_mapper.errors import user_message

    opt, dem, mask = synthetic.scene(tmp_path)
    inv = _inventory(tmp_path / "inv.gpkg", mask, opt)
    with pytest.raises(InputError, match="the inventory inv.gpkg has no layer 'slides' \\(it has inv\\)"):
        prepare_chips(opt, f"{inv}|layername=slides", tmp_path / "out", chip_size=64)
    with pytest.raises(InputError, match="has no layer 'slides'"):
        prepare_chips(opt, inv, tmp_path / "out", chip_size=64, layer="slides")
    meta = prepare_chips(opt, f"{inv}:inv", tmp_path / "named", chip_size=64)  # FILE:LAYER as for the AOI
    assert meta["chips"]
    data = opt.read_bytes()
    truncated = tmp_path / "truncated.tif"
    truncated.write_bytes(data[: len(data) // 3])
    with pytest.raises(Exception) as info:
        prepare_chips(truncated, inv, tmp_path / "out", chip_size=64)
    message = user_message(info.value)
    assert message and "truncated.tif" in message and "see previous exception" not in message.lower()
    assert not (tmp_path / "out").exists()


def test_labelme_import(tmp_path):
    img = np.zeros((3, 40, 60), np.uint8)
    img[0] = 200
    with rasterio.MemoryFile() as mem:
        with mem.open(driver="PNG", width=60, height=40, count=3, dtype="uint8") as dst:
            dst.write(img)
        data = base64.b64encode(mem.read()).decode()
    ann = {"imagePath": "missing.png", "imageData": data, "imageHeight": 40, "imageWidth": 60,
           "shapes": [{"label": "landslide", "shape_type": "polygon", "points": [[10, 5], [30, 5], [30, 25], [10, 25]]},
                      {"label": "road", "shape_type": "polygon", "points": [[40, 0], [50, 0], [50, 10]]}]}
    (tmp_path / "site7.json").write_text(json.dumps(ann))
    meta = import_labelme([tmp_path / "site7.json"], tmp_path / "out", labels=["landslide"])
    assert meta["chips"][0]["landslide"]
    image, dem, mask = load_sample(list_samples(tmp_path / "out")[0])
    assert image.shape == (3, 40, 60) and dem is None and int(image[0].max()) == 200
    assert mask.sum() == 20 * 20 and mask[5:25, 10:30].all()
