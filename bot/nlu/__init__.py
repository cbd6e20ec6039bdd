"""NLU data and quality: the NLU YAML reader, metrics, and evaluation through the engine."""
