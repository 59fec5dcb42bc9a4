"""Shared test settings: a headless matplotlib backend for every unit test."""

import os

os.environ.setdefault("MPLBACKEND", "Agg")
