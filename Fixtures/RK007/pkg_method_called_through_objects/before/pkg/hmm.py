"""Models whose initialize takes a key that defaults to a fixed one; callers reach the method
through objects whose class rekey cannot tell, and all of them pass the key."""
import jax
import jax.numpy as jnp


class GaussianHMM:
    def __init__(self, num_states):
        self.num_states = num_states

    def initialize(self, key=jax.random.PRNGKey(0), method="prior"):
        return jax.random.normal(key, (self.num_states,)), method


def build(num_states):
    return GaussianHMM(num_states)


def fit(model, key):
    params, _ = model.initialize(key, method="kmeans")
    return jnp.sum(params)
