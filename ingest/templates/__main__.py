"""``python -m ingest.templates``: rewrite the blank templates in this folder."""

from ingest.templates import write_templates

for path in write_templates():
    print(path)
