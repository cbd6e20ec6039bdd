"""家门口 (Jiamenkou): a Chinese-language assistant for city residents."""
