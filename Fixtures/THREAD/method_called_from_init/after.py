"""A policy network that initialises its weights in a helper method called from __init__."""
import jax
import jax.numpy as jnp


class Policy:
    def __init__(self, obs_dim, n_actions, *, key):
        self.obs_dim = obs_dim
        self.n_actions = n_actions
        self.w = self._init_weights(key=key)

    def _init_weights(self, *, key):
        return 0.1 * jax.random.normal(key, (self.obs_dim, self.n_actions))

    def logits(self, obs):
        return obs @ self.w


def test_policy_logits():
    key = jax.random.PRNGKey(1)
    policy = Policy(4, 2, key=key)
    assert policy.logits(jnp.ones(4)).shape == (2,)
