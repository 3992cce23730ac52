"""Writes of quality supervision: ``register`` (the external supervisors' register and its status),
``assignments`` (the draw and the assignment status), ``reports`` (the supervisor's report, problems →
rectification)."""
