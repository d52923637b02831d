"""Benchmarks: render, serialisation, Pulumi and start-up cost, as ratios from one run.

Run `python bench/run.py` from the repository root; it writes `bench/RESULTS.md`.
"""
