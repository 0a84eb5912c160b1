"""Inputs: the published tables, the men (replica or real file), reference data, the class scheme, weights, paths and the results schema."""
