"""The pytest glue: the plugin (options, fixtures), results recording, suite assert functions."""
