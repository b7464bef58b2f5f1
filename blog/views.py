"""Reader views. Every query here starts from ``Post.objects.published()``."""

from django.conf import settings
from django.core.paginator import InvalidPage, Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.formats import date_format
from django.utils.functional import SimpleLazyObject
from django.views.decorators.http import require_safe
from django.views.generic import DetailView, ListView, MonthArchiveView, YearArchiveView

from blog import page_cache, seo
from blog import search as post_search
from blog.models import SERIES_ORDER, AuthorProfile, Post, Series, Tag
from blog.periods import MonthOf, month_after
from blog.sitemaps import sitemap_index_entries
from blog.tag_selection import TagSelection

RELATED_POSTS = 3
# The "narrow down" table shows the tags most often found with the selection, not all of them.
NARROWING_TAGS = 12


class PublishedPostsMixin:
    """Listings of published posts with what a card shows."""

    paginate_by = settings.POSTS_PER_PAGE

    def get_queryset(self):
        return Post.objects.published().for_listing()

    def get_paginator(self, queryset, *args, **kwargs):
        paginator = super().get_paginator(queryset, *args, **kwargs)
        # The same on every page of a listing, and counting walks every essay in it (0.7 ms
        # of the home page's 4 at 10,000 essays): worked out once per content version.
        paginator.count = page_cache.remembered(
            f"listing-count:{self.listing_key()}", queryset.count
        )
        return paginator

    def listing_key(self) -> str:
        """Return what tells this listing from the others, for keeping its count."""
        return ":".join(
            [type(self).__name__, *(f"{k}={v}" for k, v in sorted(self.kwargs.items()))]
        )


class PostListView(PublishedPostsMixin, ListView):
    """The home page: published posts, newest first."""


class PostDetailView(DetailView):
    """A post page; staff also see drafts and scheduled posts, marked as a preview."""

    def get_queryset(self):
        # Without the reading prefetches (tags, videos, chapters: four queries): the parts of
        # the page that show them are kept under the content version, and those still to
        # render call post.load_reading_prefetches().
        posts = Post.objects.visible_to(self.request.user).for_reading().prefetch_related(None)
        return posts.select_related("series")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        post = self.object
        context["is_preview"] = not post.is_published
        published = Post.objects.published()
        if post.is_published:
            # Two queries of a post page rendered afresh, and a tenth of its time: kept.
            context["previous_post"], context["next_post"] = page_cache.remembered(
                f"neighbours:{post.pk}", lambda: published.neighbours_of(post)
            )
        # Related essays show a picture and a title. Ranking them was a third of a fresh
        # page's SQL time at 10,000 essays: loaded only when the template's {% remember %}
        # has not kept the section at this content version.
        context["related_posts"] = SimpleLazyObject(
            lambda: published.cards_in_order(published.related_ids(post, limit=RELATED_POSTS))
        )
        context["series_nav"] = series_nav = SeriesNav.of(post)
        context["social"] = page_cache.remembered(
            f"social:{post.pk}", lambda: seo.post_social(post.load_reading_prefetches())
        )
        # A tenth of a post page rendered afresh (the summary, every video, every cited moment).
        context["json_ld"] = page_cache.remembered(
            f"json-ld:{post.pk}",
            lambda: seo.json_ld_script(
                seo.post_json_ld(post.load_reading_prefetches(), series_nav=series_nav)
            ),
        )
        return context

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        if context["is_preview"]:
            add_never_cache_headers(response)
        return response


class SeriesNav:
    """Where a post stands in its series: "Part 2 of 5", the parts around it, the whole list.

    Counted over the published parts only (one query, card fields); a staff preview of a
    draft part sees it at the place it will take once published.
    """

    def __init__(self, series, parts, post):
        self.series = series
        self.parts = parts
        index = next(n for n, part in enumerate(parts) if part.pk == post.pk)
        self.number = index + 1
        self.count = len(parts)
        self.previous = parts[index - 1] if index > 0 else None
        self.next = parts[index + 1] if index + 1 < len(parts) else None

    @classmethod
    def of(cls, post):
        """Return the post's place in its series, or None when it is in none."""
        if post.series_id is None:
            return None
        parts = list(
            Post.objects.published()
            .filter(series_id=post.series_id)
            .order_by(*SERIES_ORDER)
            .only("id", "title", "slug", "series_part", "published_at")
        )
        if not any(part.pk == post.pk for part in parts):  # a preview: where it will go
            last = float("inf")
            number = post.series_part if post.series_part is not None else last
            place = sum(
                1 for p in parts if (p.series_part if p.series_part is not None else last) <= number
            )
            parts.insert(place, post)
        return cls(post.series, parts, post)


class SeriesIndexView(ListView):
    """Every series with published parts, the most recently continued first."""

    template_name = "blog/series_index.html"
    context_object_name = "series_list"
    paginate_by = settings.POSTS_PER_PAGE

    def get_queryset(self):
        return (
            Series.objects.with_published_parts()
            .select_related("picture")
            .order_by("-latest_at", "title", "pk")
        )


class SeriesView(PublishedPostsMixin, ListView):
    """A series' published parts in order; a series with none is a 404 (drafts never count)."""

    template_name = "blog/series_detail.html"
    allow_empty = False

    def get_queryset(self):
        self.series = get_object_or_404(
            Series.objects.select_related("picture"), slug=self.kwargs["slug"]
        )
        return super().get_queryset().filter(series=self.series).order_by(*SERIES_ORDER)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(series=self.series, **kwargs)
        context["json_ld"] = seo.json_ld_script(
            seo.series_json_ld(self.series, context["page_obj"])
        )
        return context


@require_safe
def tag_index(request):
    """Every tag that has published posts, the most used first."""
    tags = (
        Tag.objects.filter(tagged_posts__content_object__in=Post.objects.published())
        .annotate(post_count=Count("tagged_posts"))
        .order_by("-post_count", "name")
    )
    tags = list(tags)
    if tags:
        # Five sizes, from the least to the most used tag.
        most, least = tags[0].post_count, tags[-1].post_count
        for tag in tags:
            tag.weight = 1 + round(4 * (tag.post_count - least) / max(most - least, 1))
    return render(request, "blog/tag_index.html", {"tags": tags})


class TagFilterView(PublishedPostsMixin, ListView):
    """Posts that carry every tag in the URL and none of the excluded ones, to narrow further."""

    template_name = "blog/tag_filter.html"

    def get_queryset(self):
        self.selection = TagSelection.from_slugs(
            self.kwargs["slugs"], self.kwargs.get("excluded", ())
        )
        return self.selection.posts().for_listing()

    def listing_key(self) -> str:
        # One selection has several spellings (tag order): its canonical address tells it.
        return f"selection:{self.selection.url()}"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        selection = self.selection
        included, excluded = selection.included, selection.excluded
        total = context["paginator"].count
        # One more than shown tells whether the table is the whole list or its head. Worked
        # out (the tags, then their 48 links) only when the template's {% remember %} block
        # has not kept the table already.
        options = SimpleLazyObject(lambda: list(selection.co_occurring()[: NARROWING_TAGS + 1]))
        context.update(
            selection=selection,
            tags=included,
            removals=[
                {"tag": tag, "url": selection.url(included=[t for t in included if t != tag])}
                for tag in included
            ],
            exclusion_removals=[
                {"tag": tag, "url": selection.url(excluded=[t for t in excluded if t != tag])}
                for tag in excluded
            ],
            narrowing=SimpleLazyObject(
                lambda: [
                    {
                        "tag": tag,
                        "with_count": tag.post_count,
                        "with_url": selection.url(included=[*included, tag]),
                        "without_count": total - tag.post_count,
                        "without_url": selection.url(excluded=[*excluded, tag]),
                    }
                    for tag in options[:NARROWING_TAGS]
                ]
            ),
            narrowing_is_partial=SimpleLazyObject(lambda: len(options) > NARROWING_TAGS),
        )
        return context


tag_filter = TagFilterView.as_view()


# The archive index names a few essays under each of the newest months and links the month
# page for the rest; older months are listed with their counts only. Its size and cost are
# bounded by the months a site has been running, not by its essays (listing every title made
# the index 1.3 MB and 1.5 s at 10,000 essays; a few titles under every month still meant a
# window over every essay, 58 ms, and 410 titles at 82 months).
ARCHIVE_TITLES_PER_MONTH = 5
ARCHIVE_MONTHS_WITH_TITLES = 12


@require_safe
def archive_index(request):
    """Every month with published essays, newest first, with its count; the newest months also
    with their latest few titles."""
    # Counting the months walks every essay, and rendering 80 months with their titles was
    # most of the page: the template's {% remember %} keeps the list once per content
    # version, and the months are only worked out when it is not kept.
    return render(request, "blog/archive_index.html", {"years": SimpleLazyObject(_archive_years)})


def _archive_years() -> list[dict]:
    published = Post.objects.published()
    months = list(
        published.annotate(month=MonthOf("published_at"))
        .order_by()
        .values("month")
        .annotate(post_count=Count("pk"))
        .order_by("-month")
    )
    titled = months[:ARCHIVE_MONTHS_WITH_TITLES]
    # The titles: one more query, only the columns a link needs, and per titled month only its
    # newest few, each a short walk down the (status, published_at) index.
    newest_of_each = Q()
    for row in titled:
        in_month = published.filter(
            published_at__gte=row["month"], published_at__lt=month_after(row["month"])
        )
        newest = in_month.order_by("-published_at", "-pk").values("pk")
        newest_of_each |= Q(pk__in=newest[:ARCHIVE_TITLES_PER_MONTH])
    titles: dict = {}
    if titled:
        listed = (
            published.filter(newest_of_each)
            .only("title", "slug", "published_at")
            .annotate(month=MonthOf("published_at"))
            .order_by("-published_at", "-pk")
        )
        for post in listed:
            titles.setdefault(post.month, []).append(post)
    years: dict[int, list] = {}
    for place, row in enumerate(months):
        row["titled"] = place < ARCHIVE_MONTHS_WITH_TITLES
        row["posts"] = titles.get(row["month"], [])
        row["more"] = row["post_count"] - len(row["posts"])
        row["url"] = reverse("blog:archive-month", args=[row["month"].year, row["month"].month])
        row["label"] = date_format(row["month"], "F Y")
        years.setdefault(row["month"].year, []).append(row)
    return [
        {"year": year, "months": rows, "post_count": sum(r["post_count"] for r in rows)}
        for year, rows in years.items()
    ]


class ArchiveMixin(PublishedPostsMixin):
    date_field = "published_at"
    allow_future = False  # belt and braces: published() already hides scheduled posts
    allow_empty = False

    def get_queryset(self):
        # The date views also use this to find the neighbouring periods: no prefetch there.
        return Post.objects.published().select_related("author__profile")

    def get_dated_items(self):
        date_list, posts, extra = super().get_dated_items()
        return date_list, posts.for_listing(), extra


class PostYearArchiveView(ArchiveMixin, YearArchiveView):
    make_object_list = True


class PostMonthArchiveView(ArchiveMixin, MonthArchiveView):
    month_format = "%m"


class AuthorView(PublishedPostsMixin, ListView):
    """One author's published posts; authors with none are not listed anywhere (404)."""

    template_name = "blog/author_detail.html"
    allow_empty = False

    def get_queryset(self):
        # Inactive accounts too: a former writer's essays keep their page. Found by the slug of
        # the display name only: an old /authors/<login>/ address is a 404, so it tells no one
        # which logins exist.
        self.profile = get_object_or_404(
            AuthorProfile.objects.select_related("user", "avatar"), slug=self.kwargs["slug"]
        )
        return super().get_queryset().filter(author=self.profile.user)

    def get_context_data(self, **kwargs):
        return super().get_context_data(author=self.profile.user, profile=self.profile, **kwargs)


@require_safe
def search(request):
    """Search published posts; any query, however odd, gets a page rather than an error.

    Pages follow Paginator rules: a page past the end, or not a number, is a 404.
    """
    query = post_search.clean_query(request.GET.get("q", ""))
    context = {"query": query, "was_shortened": query.shortened}
    if query.text:
        paginator = Paginator(post_search.search_posts(query.text), settings.POSTS_PER_PAGE)
        try:
            page = paginator.page(request.GET.get("page") or 1)
        except InvalidPage as error:
            raise Http404(str(error)) from error
        post_search.add_snippets(page.object_list, query.text)
        context.update(
            page_obj=page,
            post_list=page.object_list,
            is_paginated=page.has_other_pages(),
            result_count=paginator.count,
            # A word in most essays: only the newest RANKED_MATCHES were ranked and counted.
            result_capped=getattr(paginator.object_list, "capped", False),
        )
    return render(request, "blog/search.html", context)


@require_safe
def sitemap_index(request):
    """The sitemap index: the address of every page of every sitemap, the video sitemap's too."""
    return render(
        request,
        "blog/sitemap_index.xml",
        {"sitemaps": sitemap_index_entries()},
        content_type="application/xml; charset=utf-8",
    )


@require_safe
def robots_txt(request):
    """Tell crawlers where the sitemap index is and keep them out of the admin."""
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /search/",
        "",
        # The index names every sitemap page, the video sitemap's included.
        f"Sitemap: {seo.absolute_url(reverse('blog:sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
