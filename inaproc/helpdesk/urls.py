from django.urls import path

from inaproc.helpdesk.views import accounts, tickets_staff

app_name = "helpdesk"

urlpatterns = [
    path("kunci/", accounts.lock_list_view, name="locks"),
    path("kunci/buka/", accounts.unlock_view, name="unlock"),
    path("pengguna/", accounts.user_search_view, name="user_search"),
    path("pengguna/<int:user_id>/aktivitas/", accounts.user_activity_view, name="user_activity"),
    path("pengguna/<int:user_id>/faktor/reset/", accounts.factor_reset_view, name="factor_reset"),
    path("tiket/", tickets_staff.queue_view, name="queue"),
    path("tiket/<int:number>/", tickets_staff.ticket_view, name="ticket"),
    path("tiket/<int:number>/balas/", tickets_staff.ticket_reply_view, name="ticket_reply"),
    path("tiket/<int:number>/status/", tickets_staff.ticket_status_view, name="ticket_status"),
    path("tiket/<int:number>/akun/", tickets_staff.ticket_account_view, name="ticket_account"),
]
