"""Figures (matplotlib) and, later, the Solara workshop app."""
