"""The `yinling` subcommands other than argument parsing: run, doctor, backup, exports."""
