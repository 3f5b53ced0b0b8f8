"""MOCAP Desktop: Missouri Course Access and Virtual School Program requests, offline."""

__version__ = "0.1.0"
APP_NAME = "MOCAP Desktop"
