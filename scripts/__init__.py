"""Project tools: dependencies, builds, guest apps (run as `python -m scripts`)."""
