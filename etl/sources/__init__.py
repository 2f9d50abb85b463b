"""Sources: the registry of upstream files and the layer that fetches them."""
