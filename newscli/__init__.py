"""newscli: a command-line newsroom whose database is a folder of Markdown files."""

__version__ = "0.1.0"

__all__ = ["__version__"]
