"""The pages' bodies, imported by the thin scripts in pages/.

They live in modules rather than in the page scripts themselves so that their code and their
cached functions are compiled and set up once per process, not on every script run.
"""
