"""Demo data and vendor tools of the sandbox: the demo loader (make demo), the demo population and the
vendor commands (sample, sign).  Imports sandbox and fixtures; nothing imports it but the CLI (entry points)."""
