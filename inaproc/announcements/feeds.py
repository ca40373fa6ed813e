"""RSS 2.0 and Atom feeds of a portal's published announcements. django.contrib.
syndication needs no INSTALLED_APPS entry; without the sites framework it takes the
host of the request for the absolute links (RequestSite)."""

from datetime import datetime

from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from inaproc.announcements.markdown import markdown_render
from inaproc.announcements.models import Announcement
from inaproc.announcements.selectors import announcement_feed_items
from inaproc.portals.models import Portal
from inaproc.portals.urls_helpers import portal_url


class AnnouncementRssFeed(Feed):
    feed_type = Rss201rev2Feed

    def __call__(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if getattr(request, "portal", None) is None:
            raise Http404
        return super().__call__(request, *args, **kwargs)

    def get_object(self, request: HttpRequest, *args: object, **kwargs: object) -> Portal:
        return request.portal

    def title(self, portal: Portal) -> str:
        return _("Announcements of %(name)s") % {"name": portal.name}

    def description(self, portal: Portal) -> str:
        return _("Announcements of %(name)s, %(institution)s.") % {
            "name": portal.name,
            "institution": portal.institution,
        }

    def link(self, portal: Portal) -> str:
        return portal_url(portal, "announcements:list")

    def items(self, portal: Portal) -> list[Announcement]:
        return list(announcement_feed_items(portal=portal))

    def item_title(self, item: Announcement) -> str:
        return item.title

    def item_description(self, item: Announcement) -> SafeString:
        return markdown_render(item.body)

    def item_link(self, item: Announcement) -> str:
        return portal_url(item.portal, "announcements:detail", pk=item.pk)

    def item_pubdate(self, item: Announcement) -> datetime:
        return item.publish_at

    def item_updateddate(self, item: Announcement) -> datetime:
        return item.updated_at


class AnnouncementAtomFeed(AnnouncementRssFeed):
    feed_type = Atom1Feed

    def subtitle(self, portal: Portal) -> str:
        return self.description(portal)


rss_feed_view = AnnouncementRssFeed()
atom_feed_view = AnnouncementAtomFeed()
