"""The helpdesk's public pages, mounted at /<portal_slug>/bantuan/."""

from django.urls import path

from inaproc.helpdesk.views import attachments, tickets_public

app_name = "helpdesk_public"

urlpatterns = [
    path("", tickets_public.contact_view, name="contact"),
    path("tiket/", tickets_public.my_tickets_view, name="my_tickets"),
    path("tiket/baru/", tickets_public.ticket_new_view, name="ticket_new"),
    path("tiket/terkirim/", tickets_public.ticket_sent_view, name="ticket_sent"),
    path("tiket/lihat/", tickets_public.ticket_by_link_view, name="ticket_by_link"),
    path("tiket/<int:number>/", tickets_public.my_ticket_view, name="my_ticket"),
    path("tiket/lampiran/<uuid:public_id>/", attachments.attachment_view, name="ticket_attachment"),
    # Last: any other segment is a private link's token.
    path("tiket/<str:token>/", tickets_public.ticket_link_view, name="ticket_link"),
]
