"""Benchmarks that print one JSON line each; `python -m benchmarks.run` runs them all."""
