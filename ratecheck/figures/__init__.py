"""Figures from stored result tables (matplotlib, Agg backend)."""

from ratecheck.figures.plots import plot_results

__all__ = ["plot_results"]
