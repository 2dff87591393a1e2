"""Toy regression: data, model and a training script (python -m pkg.train)."""
