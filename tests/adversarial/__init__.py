"""Adversarial suite: prompt injection, hostile corpus documents, bad input, fuzzing (issue 6, parts 1-2)."""
