"""Scripts the reliability tests run in subprocesses (killed with SIGKILL, or checking what is left)."""
