"""One subkey per iteration, from `jax.random.split(key, n)`, in a loop and a comprehension."""
import jax
import jax.numpy as jnp


def noisy_copies(x, key, n=3, scale=0.1):
    return jnp.stack([x + scale * jax.random.normal(k, x.shape) for k in jax.random.split(key, n)])


def init_layers(key, sizes):
    layers = []
    for layer_key, (n_in, n_out) in zip(jax.random.split(key, len(sizes)), sizes):
        layers.append(jax.random.normal(layer_key, (n_in, n_out)))
    return layers


def test_noisy_copies_and_layers():
    key = jax.random.PRNGKey(0)
    copies_key, layers_key = jax.random.split(key)
    assert noisy_copies(jnp.zeros(4), copies_key).shape == (3, 4)
    assert [w.shape for w in init_layers(layers_key, [(2, 3), (3, 1)])] == [(2, 3), (3, 1)]
