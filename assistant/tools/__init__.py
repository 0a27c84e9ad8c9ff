"""The tools over the index and the projects: one ToolSpec list, argument models, bodies, results, the
Toolbox, and the Plan contract the planner and an LLM fill.
"""
