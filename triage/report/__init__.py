"""HTML and PDF reports: Jinja2 environment (env), view models (views), SVG pictures (svg),
redaction (redact) and PDF printing (pdf).  Entry point: triage.output.write_outputs."""
