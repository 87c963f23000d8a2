"""Shared UI code for the page scripts: state, figures, forms, the sidebar (no page scripts here)."""
