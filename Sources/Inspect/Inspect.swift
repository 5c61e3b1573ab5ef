// Inspect module.
