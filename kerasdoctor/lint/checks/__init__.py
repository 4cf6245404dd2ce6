"""Dataflow checks, one module per check; each module's ``CHECK`` class is what a rule's ``lint.check`` names."""
