"""年报助手 (Nianbao): the report model, readers, checker and knowledge base."""

__version__ = "0.1.0"
