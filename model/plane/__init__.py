"""The latent plane's geometry: views, selection, density, neighbours and quality measures."""
