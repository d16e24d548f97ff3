"""Mutualised services of the group (public schema): salary guarantee fund, insurance, legal aid,
financing. Each service becomes a sub-app here; none of them imports an entity's models (see
docs/architecture.md, "Across the boundary")."""
