"""Image utilities: augmentation and weight initialisation."""
