"""Digital-Index Ruhr assistant: deterministic index scoring, project retrieval and chat."""
