"""A denoising experiment script: the data and the model both draw from one module-level key."""
import equinox as eqx
import jax
import jax.numpy as jnp


def noisy_data(n, dim, sigma=0.1, *, key):
    clean = jnp.tile(jnp.linspace(-1.0, 1.0, dim), (n, 1))
    return clean + sigma * jax.random.normal(key, (n, dim)), clean


def make_denoiser(dim, *, key):
    return eqx.nn.MLP(dim, dim, 16, 2, key=key)


if __name__ == "__main__":
    key = jax.random.PRNGKey(4)
    key_noisy_data, key_denoiser = jax.random.split(key)
    noisy, clean = noisy_data(8, 4, key=key_noisy_data)
    denoiser = make_denoiser(4, key=key_denoiser)
    print(jnp.mean((jax.vmap(denoiser)(noisy) - clean) ** 2))
