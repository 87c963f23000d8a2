"""Page scripts for app.py's st.navigation, and their shared helpers (common.py)."""
