"""The access matrix: every URL pattern × every role × own / other object (tests/test_access_matrix.py)."""
