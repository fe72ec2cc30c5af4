"""Writes about village postings, split by sub-domain: postings, presence, supervision."""
