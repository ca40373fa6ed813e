"""RSS 2.0 and Atom feeds of a portal's new tenders, in the manner of the
announcements' feeds (django.contrib.syndication, links absolute from the request's
host)."""

from datetime import datetime
from typing import cast

from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed, SyndicationFeed
from django.utils.translation import gettext as _

from inaproc.portals.http import PortalRequest
from inaproc.portals.models import Portal
from inaproc.portals.urls_helpers import portal_url
from inaproc.tenders.models import Package, PackageState
from inaproc.tenders.money import rupiah
from inaproc.tenders.selectors.public import tender_feed_items


class TenderRssFeed(Feed):
    feed_type: type[SyndicationFeed] = Rss201rev2Feed

    def __call__(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if getattr(request, "portal", None) is None:
            raise Http404
        return super().__call__(request, *args, **kwargs)

    def get_object(self, request: HttpRequest, *args: object, **kwargs: object) -> Portal:
        return cast(PortalRequest, request).portal  # `__call__` has checked it is set

    def title(self, portal: Portal) -> str:
        return _("New tenders of %(name)s") % {"name": portal.name}

    def description(self, portal: Portal) -> str:
        return _("Tenders newly announced on %(name)s, %(institution)s.") % {
            "name": portal.name,
            "institution": portal.institution,
        }

    def link(self, portal: Portal) -> str:
        return portal_url(portal, "tenders:public_list")

    def items(self, portal: Portal) -> list[Package]:
        return list(tender_feed_items(portal=portal))

    def item_title(self, item: Package) -> str:
        title = f"{item.code} {item.name}"
        if item.state == PackageState.CANCELLED:
            return _("%(title)s (cancelled)") % {"title": title}
        if item.state == PackageState.FAILED:
            return _("%(title)s (Tender Gagal)") % {"title": title}
        return title

    def item_description(self, item: Package) -> str:
        parts = [
            item.institution,
            f"{item.get_procurement_type_display()} · {item.get_selection_method_display()}",
            _("HPS %(amount)s") % {"amount": rupiah(item.hps)},
        ]
        if item.state == PackageState.CANCELLED:
            parts.append(_("Cancelled: %(reason)s") % {"reason": item.cancel_reason})
        if item.state == PackageState.FAILED:
            parts.append(
                _("Tender Gagal: %(reason)s")
                % {
                    "reason": " ".join(
                        filter(None, [item.get_failure_reason_display(), item.failure_note])
                    )
                }
            )
        return "\n".join(parts)

    def item_link(self, item: Package) -> str:
        return portal_url(item.portal, "tenders:public_announcement", code=item.code)

    def item_pubdate(self, item: Package) -> datetime | None:
        return item.published_at

    def item_updateddate(self, item: Package) -> datetime:
        return item.updated_at


class TenderAtomFeed(TenderRssFeed):
    feed_type = Atom1Feed

    def subtitle(self, portal: Portal) -> str:
        return self.description(portal)


rss_feed_view = TenderRssFeed()
atom_feed_view = TenderAtomFeed()
