"""The bodies of the `govqa` sub-commands, one module per group; cli.py parses and dispatches."""
