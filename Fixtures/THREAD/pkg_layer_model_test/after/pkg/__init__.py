"""A tiny Equinox model package."""
