"""Latent Explorer's model package: data, autoencoder, training, model folders, CLI.

Plain NumPy for everything but training; it never imports streamlit or plotly. Importing it is
light: TensorFlow and Keras load only where a network is built or trained (model/net/keras_import.py,
reached from model/net/network.py and model/net/train.py), which the app does in its training child
process. Loading, encoding and decoding a model folder run on NumPy (model/folders/check.py,
model/net/graph.py, model/net/fast.py).
"""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")
