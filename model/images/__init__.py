"""Pictures: any image to a 28 x 28 MNIST-style digit, and where it lands in the latent plane."""
