# %% [markdown]
# A notebook exported by jupytext that draws twice from one key: the reuse rules apply to a
# script's top level as to any code.

# %%
import jax

key = jax.random.PRNGKey(0)
key_weights, key_noise = jax.random.split(key)
weights = jax.random.normal(key_weights, (3, 2))

# %%
noise = jax.random.normal(key_noise, (2,))
print(weights @ noise)
