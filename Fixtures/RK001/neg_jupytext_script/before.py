# %% [markdown]
# A notebook exported by jupytext: nothing imports it, its top level is the run. The key made in
# its first cell is the run's own seed, as it would be under `if __name__ == "__main__":`.

# %%
import jax

key = jax.random.PRNGKey(0)
key, init_key = jax.random.split(key)
weights = jax.random.normal(init_key, (3, 2))

# %%
key, noise_key = jax.random.split(key)
noise = jax.random.normal(noise_key, (2,))
print(weights @ noise)
