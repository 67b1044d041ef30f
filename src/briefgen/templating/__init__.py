"""Templates: discovery of templates/<name>/, template.yaml, and the sandboxed Jinja environment."""
