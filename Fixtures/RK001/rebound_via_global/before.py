"""A stateful sampler that advances a module-level key on every call."""
import jax

key = jax.random.PRNGKey(0)


def next_key():
    global key
    key, sub = jax.random.split(key)
    return sub


def sample(shape):
    return jax.random.uniform(next_key(), shape)


if __name__ == "__main__":
    print(sample((2,)), sample((2,)))
