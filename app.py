"""Latent Explorer: explore the 2-D latent space of an MNIST autoencoder.

    streamlit run app.py

app.py is the entry point; the router (ui/router.py) sets up the page, the session state and
the sidebar, then runs the page the user picked from pages/.
"""

from ui import router

router.run()
