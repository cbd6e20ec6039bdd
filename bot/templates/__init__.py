"""Every word a resident reads that is not a Rasa response (those live in engine/domain/):
notifications sent outside a conversation (`notifications`), replies the bridges give on
their own (`bridges`), and the phrases that fill the responses' variables (`phrases`, and
`site_phrases` for the site replies)."""
