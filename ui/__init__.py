"""Shared Streamlit UI: components and helpers the pages use."""
