"""Two augmented views of a batch for contrastive learning, both made with one key."""
import jax
import jax.numpy as jnp


def augment(x, key, noise=0.1):
    flip_key, noise_key = jax.random.split(key)
    flip = jax.random.bernoulli(flip_key, 0.5, (x.shape[0], 1))
    x = jnp.where(flip, x[:, ::-1], x)
    return x + noise * jax.random.normal(noise_key, x.shape)


def two_views(batch, key):
    view_a = augment(batch, key)
    view_b = augment(batch, key)
    return view_a, view_b


def test_two_views():
    a, b = two_views(jnp.ones((4, 6)), jax.random.PRNGKey(0))
    assert a.shape == b.shape == (4, 6)
