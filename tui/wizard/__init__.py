"""`turnout new`: a questionary wizard that writes a first runbook from a pattern's template.

patterns.py (the patterns), fields.py (the names asked), templates/ (the runbook templates
and the checks catalogue, as data), render.py (filling a template), build.py (answers to
text, checked by the loader), ask.py (the questions). See docs/plain-and-new.md.
"""
