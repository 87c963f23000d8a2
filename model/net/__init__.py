"""The network: its config, the Keras models, training, its weights for the browser and the NumPy fast path."""
