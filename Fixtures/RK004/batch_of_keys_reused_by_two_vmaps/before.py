"""An ensemble of four models initialised from one batch of keys, then perturbed with noise
drawn from the same batch: the noise repeats the initial weights' numbers. `split(keys)` would
be no fix: split takes a single key, so the batch is left for hand migration."""
import jax


def init_member(key):
    return jax.random.normal(key, (3,))


def perturb_member(params, key):
    return params + 0.01 * jax.random.normal(key, params.shape)


def test_ensemble():
    keys = jax.random.split(jax.random.PRNGKey(0), 4)
    members = jax.vmap(init_member)(keys)
    perturbed = jax.vmap(perturb_member)(members, keys)
    assert perturbed.shape == (4, 3)
