"""A forward pass draws a dropout mask in training and a little input noise outside it, each
under its own test of the same flag: every run takes one of the two, so the key is drawn from
once."""
import jax
import jax.numpy as jnp


def forward(x, key, training):
    if training:
        mask = jax.random.bernoulli(key, 0.9, x.shape)
        x = jnp.where(mask, x / 0.9, 0.0)
    hidden = jnp.tanh(x)
    if not training:
        hidden = hidden + 0.01 * jax.random.normal(key, hidden.shape)
    return hidden


class Block:
    def __init__(self, deterministic):
        self.deterministic = deterministic

    def __call__(self, x, key):
        if self.deterministic:
            return jnp.tanh(x)
        if not self.deterministic:
            x = x + jax.random.normal(key, x.shape)
        if self.deterministic:
            x = x + jax.random.uniform(key, x.shape)
        return jnp.tanh(x)


def test_forward_in_both_modes():
    x = jnp.ones((2, 3))
    train_key, eval_key, block_key = jax.random.split(jax.random.PRNGKey(0), 3)
    assert forward(x, train_key, training=True).shape == (2, 3)
    assert forward(x, eval_key, training=False).shape == (2, 3)
    assert Block(deterministic=False)(x, block_key).shape == (2, 3)
