from django.contrib import admin

from config.admin_sites import group_admin_site

from .models import InsurancePolicy


@admin.register(InsurancePolicy, site=group_admin_site)
class InsurancePolicyAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "insurer", "number", "valid_from", "valid_to"]
    list_filter = ["kind"]
