from django.contrib import admin

from config.admin_sites import group_admin_site

from .models import PublicHoliday, TeamMembership


@admin.register(TeamMembership, site=group_admin_site)
class TeamMembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "team", "since"]
    list_filter = ["team"]


@admin.register(PublicHoliday, site=group_admin_site)
class PublicHolidayAdmin(admin.ModelAdmin):
    list_display = ["country", "date", "name"]
    list_filter = ["country"]
