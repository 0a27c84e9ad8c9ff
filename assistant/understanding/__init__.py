"""From a question to a Plan: the offline planner, entity and metric finders, the turn state, and the
optional LLM backend.
"""
