"""Access for other systems: the agent service behind the MCP server and the HTTP API, signed
conversation-state tokens, the request guard, and the client the web page uses against a running
`assistant serve`.
"""
