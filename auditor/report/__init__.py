"""Outputs: every report is a pure function of the parsed submissions and the findings."""
