"""Model folders: validate, save atomically, load safely; the library of them, zips and exports."""
