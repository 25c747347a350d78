"""Visualisation: matplotlib figures (`figures`, `gallery`) and the Solara
workshop app (`app`, `components/`), served by `grassroots ui`."""
