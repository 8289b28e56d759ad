"""Shadow mode and replay: the sandbox's verdicts set beside the real gateway's (issue 28)."""
