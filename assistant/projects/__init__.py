"""The project corpus: parsing, chunking, embedders, the vector store, keyword index, hybrid search and
suggestions.
"""
