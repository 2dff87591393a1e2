import jax


def particle_filter(n, key=jax.random.PRNGKey(0)):
    noise = jax.random.normal(key, (n,))
    return particle_filter(n, key)


def test_filter():
    assert particle_filter(10) is not None
