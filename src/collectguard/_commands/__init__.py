"""CLI subcommands beyond check/check-note/schema: one module each, registered in cli.COMMAND_MODULES."""
