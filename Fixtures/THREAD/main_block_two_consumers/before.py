"""A denoising experiment script: the data and the model both draw from one module-level key."""
import equinox as eqx
import jax
import jax.numpy as jnp

KEY = jax.random.PRNGKey(4)


def noisy_data(n, dim, sigma=0.1):
    clean = jnp.tile(jnp.linspace(-1.0, 1.0, dim), (n, 1))
    return clean + sigma * jax.random.normal(KEY, (n, dim)), clean


def make_denoiser(dim):
    return eqx.nn.MLP(dim, dim, 16, 2, key=KEY)


if __name__ == "__main__":
    noisy, clean = noisy_data(8, 4)
    denoiser = make_denoiser(4)
    print(jnp.mean((jax.vmap(denoiser)(noisy) - clean) ** 2))
