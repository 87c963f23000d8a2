"""Data sets: the registry (MNIST, Fashion-MNIST and the user's own), their readers, conversion and bounds."""
