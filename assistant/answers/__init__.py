"""From tool results to a checked answer: templates, the number guard, the chat engine, evaluation."""
