"""``python -m medkg`` runs the CLI."""

from medkg.cli import main

main()
