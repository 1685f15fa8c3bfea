"""One module per CLI command group; ``api/cli.py`` registers them."""
