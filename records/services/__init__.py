"""Every write of the records app, by sub-domain: credit by the rules, claims, recounts, certificates.

Import the submodule you need (`from records.services import claims`); nothing is re-exported here.
"""
