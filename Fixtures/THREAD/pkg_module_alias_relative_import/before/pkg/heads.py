"""Output heads (the layers module imported under an alias)."""
import jax

import pkg.layers as layers


def classifier_head(features, classes):
    dense = layers.Dense(features, classes)
    return lambda x: jax.nn.log_softmax(dense(x))
