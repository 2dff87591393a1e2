"""Weight initialisation with a choice of scheme; the bias reuses the key either branch used."""
import jax
import jax.numpy as jnp


def init_layer(key, n_in, n_out, scheme="normal"):
    if scheme == "normal":
        w = jax.random.normal(key, (n_in, n_out)) / jnp.sqrt(n_in)
    else:
        w = jax.random.uniform(key, (n_in, n_out), minval=-1.0, maxval=1.0)
    b = jax.random.normal(key, (n_out,)) * 0.01
    return w, b


def test_init_layer():
    w, b = init_layer(jax.random.PRNGKey(0), 3, 2, scheme="uniform")
    assert w.shape == (3, 2) and b.shape == (2,)
