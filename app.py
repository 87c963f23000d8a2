"""Latent Explorer: explore the 2-D latent space of an MNIST autoencoder.

    streamlit run app.py

app.py is the router: it sets up the page, the session state and the sidebar,
then runs the page the user picked.
"""

import streamlit as st

from pages import common
from ui.static import ensure_plotly_js

st.set_page_config(page_title="Latent Explorer", page_icon=":material/scatter_plot:", layout="wide")
common.init_state()
ensure_plotly_js()  # static/plotly.min.js for the live plane, from the installed plotly

pages = [
    st.Page("pages/explore.py", title="Explore", icon=":material/scatter_plot:", default=True, url_path="explore"),
    st.Page("pages/reconstructions.py", title="Reconstructions", icon=":material/compare:", url_path="reconstructions"),
    st.Page("pages/upload.py", title="Upload or draw", icon=":material/draw:", url_path="upload"),
    st.Page("pages/train.py", title="Train", icon=":material/model_training:", url_path="train"),
    st.Page("pages/library.py", title="Models", icon=":material/folder_open:", url_path="models"),
]
page = st.navigation(pages)
st.title("Latent Explorer")
common.sidebar(common.active_bundle())
page.run()
