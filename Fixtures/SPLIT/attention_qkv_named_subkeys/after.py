"""Self-attention parameters: the query, key and value projections all drawn from one key."""
import jax
import jax.numpy as jnp


def init_attention(key, dim, heads=2):
    scale = 1.0 / jnp.sqrt(dim)
    key_wq, key_wk, key_wv = jax.random.split(key, 3)
    wq = jax.random.normal(key_wq, (dim, dim)) * scale
    wk = jax.random.normal(key_wk, (dim, dim)) * scale
    wv = jax.random.normal(key_wv, (dim, dim)) * scale
    return {"wq": wq, "wk": wk, "wv": wv, "heads": heads}


def attend(params, x):
    q, k, v = x @ params["wq"], x @ params["wk"], x @ params["wv"]
    weights = jax.nn.softmax(q @ k.T / jnp.sqrt(q.shape[-1]), axis=-1)
    return weights @ v


def test_attention_shapes():
    params = init_attention(jax.random.PRNGKey(0), 8)
    x = jnp.ones((5, 8))
    assert attend(params, x).shape == (5, 8)
