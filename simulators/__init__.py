"""Local stand-ins for outside services, speaking their wire formats (python -m simulators)."""
