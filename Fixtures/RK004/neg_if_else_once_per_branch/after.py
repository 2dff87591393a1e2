"""Each branch consumes the key once; only one branch runs."""
import jax
import jax.numpy as jnp


def init_weights(key, shape, scheme="normal"):
    if scheme == "normal":
        return jax.random.normal(key, shape) / jnp.sqrt(shape[0])
    elif scheme == "uniform":
        w = jax.random.uniform(key, shape, minval=-1.0, maxval=1.0)
    else:
        w = jax.random.truncated_normal(key, -2.0, 2.0, shape)
    return w


def noisy(x, key, train):
    noise = jax.random.normal(key, x.shape) if train else jnp.zeros_like(x)
    return x + noise


def test_every_scheme():
    keys = jax.random.split(jax.random.PRNGKey(0), 4)
    for k, scheme in zip(keys, ["normal", "uniform", "truncated"]):
        assert init_weights(k, (3, 2), scheme).shape == (3, 2)
    assert noisy(jnp.ones(2), keys[3], train=True).shape == (2,)
