"""Who may do what to a model: the one place that answers it (SPEC §1, §8).

Every way in — a page, the Hugging Face–compatible API, the gateway — asks here, through a
`Caller` (the signed-in user now; a personal token or an endpoint key later, narrowing what
that user may do). Not visible → 404, never revealing that a model exists; visible but not
allowed → 403; a download also needs the caller's address inside the model's allowlist.

Access sits below `catalog`: it works on whatever queryset of models it is given and learns
who a model is shared with from the grant sources that higher apps register (`grants.py`).
"""
