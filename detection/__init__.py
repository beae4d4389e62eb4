"""The detection core: pure (numpy arrays, rasterio windows and shapely geometries in and out; never imports QGIS).

    raster_io.py   optical rasters -> the processing grid (WarpedVRT), scaling
    dem.py         the DEM aligned onto the grid, its derived channels and terrain statistics
    tiling.py      chips and their blending weights;  stitching.py: the chips blended back into rows
    engines.py     ONNX Runtime / PyTorch inference;  tta.py: test-time augmentation
    vectorize.py   probabilities -> landslide polygons with statistics, and the vector writers
    aoi.py         an area of interest on the grid
    pipeline.py    one scene: plan, read, infer, stitch, vectorise, publish
    partitions.py  one scene as run: in one piece, or cut into row partitions (Dask workers) and column stripes
                   (wider than 16384 px);  scenes.py: many scenes;  cluster.py: Dask
"""
