"""Writers: one package per output format behind the small interface in base.py."""
