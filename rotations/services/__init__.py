"""Every write about rotation training, split by sub-domain; import the submodule you need."""
