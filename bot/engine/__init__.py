"""The Rasa engine as seen from the app: training (and its generated inputs), processes and the
HTTP client."""
