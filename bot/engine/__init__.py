"""The Rasa engine as seen from the app: training, processes and the HTTP client."""
