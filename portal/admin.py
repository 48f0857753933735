"""The public categories (Open311 services) and their extra questions are edited in the Django admin for now."""

from django.contrib import admin

from portal.models import PublicService, ServiceAttribute


class ServiceAttributeInline(admin.TabularInline):
    model = ServiceAttribute
    extra = 0


@admin.register(PublicService)
class PublicServiceAdmin(admin.ModelAdmin):
    list_display = ["service_code", "name", "category", "group", "order", "is_active"]
    list_editable = ["order", "is_active"]
    inlines = [ServiceAttributeInline]
