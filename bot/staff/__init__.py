"""Staff of the console: accounts, passwords, sessions, login throttle, audit, permissions."""
