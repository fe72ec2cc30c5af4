"""Officers' admin for village postings: one ModelViewSet per record type, each view scoped to the
user's subtree, and the action pages (end a posting, plan a successor, decide leave, follow up a flag).

Import the submodules explicitly.
"""
