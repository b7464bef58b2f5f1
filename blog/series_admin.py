"""Series in the admin: Editors create them and order their parts; Authors only pick one.

A part joins a series from its own post form (``Post.series`` and ``series_part``); the series
form lists its parts, drafts included, with their numbers to reorder and a box to take one out.
Saving the parts writes only those two fields: the essays' bodies are not rendered again.
"""

from django import forms
from django.contrib import admin
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from blog.models import SERIES_ORDER, Post, Series

PART_FIELDS = ["series", "series_part", "updated_at"]


class SeriesPartForm(forms.ModelForm):
    remove = forms.BooleanField(
        label="Take out of the series", required=False, help_text="The essay itself stays."
    )

    class Meta:
        model = Post
        fields = ["series_part"]
        labels = {"series_part": "Part"}
        help_texts = {"series_part": ""}


class SeriesPartInline(admin.TabularInline):
    model = Post
    fk_name = "series"
    form = SeriesPartForm
    fields = ["series_part", "essay", "state", "remove"]
    readonly_fields = ["essay", "state"]
    extra = 0
    can_delete = False  # deleting here would delete the essay: "Take out" only unlinks it
    verbose_name = "part"
    verbose_name_plural = "Parts (add an essay from its own form: Series, Part)"

    def get_queryset(self, request):
        return super().get_queryset(request).order_by(*SERIES_ORDER)

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description="Essay")
    def essay(self, post):
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:blog_post_change", args=[post.pk]), post.title
        )

    @admin.display(description="Status")
    def state(self, post):
        if post.is_published:
            return "Published"
        if post.is_scheduled:
            return "Scheduled (not counted yet)"
        return "Draft (not shown to readers)"


class SeriesAdminForm(forms.ModelForm):
    slug = forms.SlugField(
        max_length=200,
        required=False,
        allow_unicode=True,
        help_text="The series' address, /series/<slug>/. Filled from the title when left empty.",
    )

    class Meta:
        model = Series
        fields = ["title", "slug", "description", "picture"]
        widgets = {"description": forms.Textarea(attrs={"rows": 5, "class": "vLargeTextField"})}


@admin.register(Series)
class SeriesAdmin(admin.ModelAdmin):
    form = SeriesAdminForm
    list_display = ["title", "published_parts", "all_parts", "updated_at"]
    search_fields = ["title", "description"]
    prepopulated_fields = {"slug": ["title"]}
    raw_id_fields = ["picture"]
    inlines = [SeriesPartInline]

    def get_queryset(self, request):
        now = timezone.now()
        published = Q(parts__status=Post.Status.PUBLISHED, parts__published_at__lte=now)
        return (
            super()
            .get_queryset(request)
            .annotate(
                published_count=Count("parts", filter=published),
                part_total=Count("parts"),
            )
        )

    @admin.display(description="Published parts", ordering="published_count")
    def published_parts(self, series):
        return series.published_count

    @admin.display(description="All parts", ordering="part_total")
    def all_parts(self, series):
        return series.part_total

    def view_on_site(self, series):
        return series.get_absolute_url()

    def save_formset(self, request, form, formset, change):
        if formset.model is not Post:
            return super().save_formset(request, form, formset, change)
        # Only the part's place: saving the whole essay would render its body again.
        for part_form in formset.forms:
            if not part_form.has_changed():
                continue
            post = part_form.instance
            if part_form.cleaned_data.get("remove"):
                post.series, post.series_part = None, None
            post.save(update_fields=PART_FIELDS)
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
