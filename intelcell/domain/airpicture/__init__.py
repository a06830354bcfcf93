"""The recognized air picture's pure core: plots, geometry, the tracker, identity, areas."""
