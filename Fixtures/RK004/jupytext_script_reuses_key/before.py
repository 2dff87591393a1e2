# %% [markdown]
# A notebook exported by jupytext that draws twice from one key: the reuse rules apply to a
# script's top level as to any code.

# %%
import jax

key = jax.random.PRNGKey(0)
weights = jax.random.normal(key, (3, 2))

# %%
noise = jax.random.normal(key, (2,))
print(weights @ noise)
