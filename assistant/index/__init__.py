"""The Digital-Index: registry, loading and importing index_data/, scoring and analysis."""
