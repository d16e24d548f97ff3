"""Entity-side code.

``tenants.registry`` is the one public app here: the registry of entities (tenants) and their
domains, and the routing from host name to schema. Every other app under ``tenants/`` lives in each
entity's own schema.
"""
