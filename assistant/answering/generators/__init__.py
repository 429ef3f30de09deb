"""Answer generators: extractive (default) and LLM-backed, behind one interface."""
