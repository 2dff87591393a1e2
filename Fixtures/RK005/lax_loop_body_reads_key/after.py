"""A random walk whose steps run in jax.lax.fori_loop, each step drawing from the key it closes over."""
import jax


def random_walk(key, steps=5):
    def step(i, position):
        return position + jax.random.normal(key)

    return jax.lax.fori_loop(0, steps, step, 0.0)


def test_random_walk():
    assert random_walk(jax.random.PRNGKey(0)).shape == ()
