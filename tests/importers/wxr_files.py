"""WXR exports written by hand for the importer's tests: a builder, and a few whole sites."""

from html import escape

NAMESPACES = {
    "1.2": "http://wordpress.org/export/1.2/",
    "1.2s": "https://wordpress.org/export/1.2/",
    "1.1": "http://wordpress.org/export/1.1/",
    "1.0": "http://wordpress.org/export/1.0/",
}


def cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def item(
    post_id,
    title,
    content="",
    *,
    slug=None,
    status="publish",
    post_type="post",
    date_gmt="2019-05-03 10:20:30",
    date="2019-05-03 12:20:30",
    creator="alice",
    excerpt="",
    password="",
    sticky=False,
    terms=(),
    meta=None,
    comments=(),
    attachment_url="",
    post_format="",
) -> str:
    slug = f"post-{post_id}" if slug is None else slug
    parts = [
        "<item>",
        f"<title>{escape(title)}</title>",
        f"<link>https://old.example/{slug}/</link>",
        "<pubDate>Fri, 03 May 2019 10:20:30 +0000</pubDate>",
        f"<dc:creator>{cdata(creator)}</dc:creator>",
        f'<guid isPermaLink="false">https://old.example/?p={post_id}</guid>',
        "<description></description>",
        f"<content:encoded>{cdata(content)}</content:encoded>",
        f"<excerpt:encoded>{cdata(excerpt)}</excerpt:encoded>",
        f"<wp:post_id>{post_id}</wp:post_id>",
        f"<wp:post_date>{cdata(date)}</wp:post_date>",
        f"<wp:post_date_gmt>{cdata(date_gmt)}</wp:post_date_gmt>",
        f"<wp:post_name>{cdata(slug)}</wp:post_name>",
        f"<wp:status>{cdata(status)}</wp:status>",
        "<wp:post_parent>0</wp:post_parent>",
        f"<wp:post_type>{cdata(post_type)}</wp:post_type>",
        f"<wp:post_password>{cdata(password)}</wp:post_password>",
        f"<wp:is_sticky>{1 if sticky else 0}</wp:is_sticky>",
    ]
    if attachment_url:
        parts.append(f"<wp:attachment_url>{cdata(attachment_url)}</wp:attachment_url>")
    for domain, nicename, name in terms:
        parts.append(f'<category domain="{domain}" nicename="{nicename}">{cdata(name)}</category>')
    if post_format:
        parts.append(
            f'<category domain="post_format" nicename="post-format-{post_format}">'
            f"{post_format}</category>"
        )
    for key, value in (meta or {}).items():
        parts.append(
            f"<wp:postmeta><wp:meta_key>{cdata(key)}</wp:meta_key>"
            f"<wp:meta_value>{cdata(value)}</wp:meta_value></wp:postmeta>"
        )
    for n, spec in enumerate(comments, start=1):
        parts.append(comment(**spec) if isinstance(spec, dict) else comment(
            post_id * 100 + n, approved=spec[0], comment_type=spec[1]
        ))  # fmt: skip
    parts.append("</item>")
    return "\n".join(parts)


def comment(
    comment_id,
    content="Nice",
    *,
    author="Reader",
    email="",
    url="",
    parent=0,
    approved="1",
    comment_type="",
    date_gmt="2019-05-04 08:00:00",
) -> str:
    """Return one <wp:comment> (ids are the site's: unique across posts)."""
    return (
        f"<wp:comment><wp:comment_id>{comment_id}</wp:comment_id>"
        f"<wp:comment_author>{cdata(author)}</wp:comment_author>"
        f"<wp:comment_author_email>{cdata(email)}</wp:comment_author_email>"
        f"<wp:comment_author_url>{cdata(url)}</wp:comment_author_url>"
        "<wp:comment_author_IP><![CDATA[192.0.2.1]]></wp:comment_author_IP>"
        f"<wp:comment_date>{cdata(date_gmt)}</wp:comment_date>"
        f"<wp:comment_date_gmt>{cdata(date_gmt)}</wp:comment_date_gmt>"
        f"<wp:comment_content>{cdata(content)}</wp:comment_content>"
        f"<wp:comment_approved>{cdata(approved)}</wp:comment_approved>"
        f"<wp:comment_type>{cdata(comment_type)}</wp:comment_type>"
        f"<wp:comment_parent>{parent}</wp:comment_parent>"
        "<wp:comment_user_id>0</wp:comment_user_id></wp:comment>"
    )


AUTHORS = """
<wp:author><wp:author_id>1</wp:author_id><wp:author_login><![CDATA[alice]]></wp:author_login>
<wp:author_email><![CDATA[alice@old.example]]></wp:author_email>
<wp:author_display_name><![CDATA[Alice “Reel” Liddell]]></wp:author_display_name>
<wp:author_first_name><![CDATA[Alice]]></wp:author_first_name>
<wp:author_last_name><![CDATA[Liddell]]></wp:author_last_name></wp:author>
<wp:author><wp:author_id>2</wp:author_id><wp:author_login><![CDATA[bob]]></wp:author_login>
<wp:author_display_name><![CDATA[Bob Stone]]></wp:author_display_name>
<wp:author_first_name><![CDATA[Bob]]></wp:author_first_name>
<wp:author_last_name><![CDATA[Stone]]></wp:author_last_name></wp:author>
"""

TERMS = """
<wp:category><wp:term_id>1</wp:term_id><wp:category_nicename><![CDATA[film]]></wp:category_nicename>
<wp:category_parent><![CDATA[]]></wp:category_parent><wp:cat_name><![CDATA[Film]]></wp:cat_name>
<wp:category_description><![CDATA[Essays on films.]]></wp:category_description></wp:category>
<wp:category><wp:term_id>2</wp:term_id><wp:category_nicename><![CDATA[horror]]></wp:category_nicename>
<wp:category_parent><![CDATA[film]]></wp:category_parent><wp:cat_name><![CDATA[Horror]]></wp:cat_name></wp:category>
<wp:tag><wp:term_id>3</wp:term_id><wp:tag_slug><![CDATA[%e6%98%a0%e7%94%bb]]></wp:tag_slug>
<wp:tag_name><![CDATA[映画]]></wp:tag_name></wp:tag>
<wp:term><wp:term_id>9</wp:term_id><wp:term_taxonomy><![CDATA[nav_menu]]></wp:term_taxonomy>
<wp:term_slug><![CDATA[main-menu]]></wp:term_slug><wp:term_name><![CDATA[Main menu]]></wp:term_name></wp:term>
"""


def wxr(*items: str, version: str = "1.2", authors: str = AUTHORS, terms: str = TERMS) -> str:
    ns = NAMESPACES[version]
    return f"""<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0"
    xmlns:excerpt="{ns.replace("export/", "export/")}excerpt/"
    xmlns:content="http://purl.org/rss/1.0/modules/content/"
    xmlns:wfw="http://wellformedweb.org/CommentAPI/"
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:wp="{ns}">
<channel>
<title>Old Reels</title>
<link>https://old.example</link>
<description>Video essays</description>
<language>en-US</language>
<wp:wxr_version>{version.rstrip("s")}</wp:wxr_version>
<wp:base_site_url>https://old.example</wp:base_site_url>
<wp:base_blog_url>https://old.example</wp:base_blog_url>
{authors}
{terms}
{"".join(items)}
</channel>
</rss>
"""
