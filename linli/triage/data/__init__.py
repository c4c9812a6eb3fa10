"""Data of triage: the default taxonomy, the domain dictionary, the labelled set and its generator, the model."""
