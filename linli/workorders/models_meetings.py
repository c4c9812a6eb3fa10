"""Joint meetings (吹哨报到) and their tasks; imported by linli/workorders/models.py."""
