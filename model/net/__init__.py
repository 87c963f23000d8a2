"""The network: its config, the Keras models, training, the NumPy fast path and its metrics."""
