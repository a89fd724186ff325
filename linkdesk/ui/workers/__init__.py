"""Background work: each worker opens its own project connection in its own thread."""
