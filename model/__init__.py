"""FCA-DeepLab and its baselines (pure PyTorch/timm; never imports QGIS).

One file per component of the paper: ``cbam.py`` (CBAM, Eq. 1), ``fusion.py`` (dual-branch RGB/DEM front end),
``backbone.py`` (timm ConvNeXt/ResNet adapter), ``aspp.py``, ``decoder.py``, ``small_object.py`` (small-object
attention head), composed in ``fca_deeplab.py``; ``unet.py`` is a baseline; ``registry.py`` names configurations;
``card.py`` is the model card, ``checkpoint.py`` safe model files, ``export.py`` ONNX export.
"""
