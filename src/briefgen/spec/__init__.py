"""The brief spec: YAML reading with positions, declared schema, loading and reference checks."""
