"""The package version, in one place for the metadata, the CLI and the component provider."""

__version__ = "0.1.0"
