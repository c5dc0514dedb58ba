"""The use cases both shells call: the Streamlit pages and the ``nianbao`` command.

One module per use case — ``drafting`` (narrative parts, with the one LLM fallback policy), ``intake``
(figures from a chat message, a spreadsheet or an edited cell), ``reviewing``, ``knowledge`` (the knowledge
base and its administration), ``figures`` (key figures by year), ``models`` (which LLM, the local model),
``chat`` (what a message of the 起草 chat does, with intake and drafting) and ``drafts`` (saved drafts, personal
codes). Each is a small class given its settings and components; ``container`` is the composition root:
``compose(settings)`` builds them all, and only it and the shells read the process's settings;
``components`` builds the components (draft store, knowledge base, chat model) once per configuration.

This layer sits above agents/ (it picks the LLM workflow or the built-in one) and below the shells: nothing in
the domain core or in agents/ imports it. Heavy packages (Chroma, LangChain, python-docx) load on first use.
"""
