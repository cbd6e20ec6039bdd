"""Command-line subcommands of `jiamenkou`, one module per area; each exposes `register()`."""
