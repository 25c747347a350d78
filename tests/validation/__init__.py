"""The validation suite: the model's processes against theory, and patterns of the
full model (docs/validation.md; `grassroots validate` prints the same checks)."""
