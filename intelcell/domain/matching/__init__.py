"""Person matching: explainable features combined by a named, versioned algorithm."""
