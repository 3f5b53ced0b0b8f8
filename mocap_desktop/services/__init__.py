"""Use cases shared by the presenters and the command line."""
