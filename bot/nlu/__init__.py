"""NLU support: vocabulary, generated training artefacts, the NLU YAML reader and evaluation."""
