"""A test with a key in its default: pytest calls it with no arguments, so the key is made inside."""
import jax.random as jr


def test_sample_shape(key=jr.PRNGKey(0)):
    """Draws a sample and checks its shape."""
    assert jr.normal(key, (3,)).shape == (3,)
