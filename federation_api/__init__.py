"""The group side (public schema, group domain): consolidated views for SMart Coop's management and
the APIs for group management and partner cooperatives."""
