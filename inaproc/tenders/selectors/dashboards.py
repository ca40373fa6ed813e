"""What the officials' dashboards show: the PPK's packages, the Pokja member's tenders
and what needs doing (approvals, questions waiting, the next deadline), the Pejabat
Pengadaan's packages, PAGE_SIZE at a time (each list its own page number). A fixed
number of queries whatever the number of packages: a list's count (with the Pokja's
totals), its page's rows with their counts as annotations, the stages of those rows as
plain values, only those that decide where each stands (`deciding_stages`)."""

from dataclasses import dataclass
from datetime import datetime
from typing import cast

from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from inaproc.accounts.models import User
from inaproc.portals.models import Portal
from inaproc.tenders.models import (
    Package,
    PackageState,
    PokjaMember,
    PublicationApproval,
)
from inaproc.tenders.selectors.public import deciding_stages
from inaproc.tenders.stages import Standing, TimedStage, stage_name, standing_at

# A page a person reads (the dashboard showed the newest 100, and no more, before).
PAGE_SIZE = 25


@dataclass(frozen=True)
class DashboardRow:
    package: Package
    standing: Standing
    # Assigned to my Pokja and not yet approved by me.
    needs_my_approval: bool
    unanswered_questions: int

    @property
    def stage_label(self) -> str:
        if not self.package.is_public:
            return ""
        return self.standing.label

    @property
    def next_deadline(self) -> datetime | None:
        """The end of the running stage that ends first, else the start of the next one."""
        if self.standing.running:
            return min(stage.ends_at for stage in self.standing.running)
        return self.standing.upcoming.starts_at if self.standing.upcoming else None

    @property
    def next_deadline_stage(self) -> str:
        stage: TimedStage | None
        if self.standing.running:
            stage = min(self.standing.running, key=lambda item: item.ends_at)
        else:
            stage = self.standing.upcoming
        return stage_name(stage.key) if stage else ""


# The columns a dashboard row shows (tenders/staff/dashboard.html, DashboardRow): the
# package's other thirty-odd columns and the runner's account are not read (on a page
# of 100 rows, their conversion cost more than the query). A test of the page's queries
# catches a column shown but left out here (one query per row).
ROW_FIELDS = (
    "code",
    "name",
    "hps",
    "state",
    "published_at",
    "pokja__name",
    "pejabat_pengadaan__full_name",
    "pejabat_pengadaan__username",
)


def _approved_by_me(user: User) -> Exists:
    return Exists(PublicationApproval.objects.filter(package=OuterRef("pk"), user=user))


def _with_counts(packages: QuerySet[Package], user: User) -> QuerySet[Package]:
    return (
        packages.select_related("pokja", "pejabat_pengadaan")
        .only(*ROW_FIELDS)
        .annotate(
            unanswered=Count("questions", filter=Q(questions__answered_at__isnull=True)),
            approved_by_me=_approved_by_me(user),
        )
        .order_by("-pk")
    )


def _page(
    packages: QuerySet[Package],
    user: User,
    *,
    number: str | None,
    now: datetime,
    approvals: bool,
    count: int | None = None,
) -> Page[DashboardRow]:
    """Page `number` of `packages` (the last for a number past it, the first for one
    that is not a number), its rows as DashboardRow. `count`: the packages' number when
    the caller has it (else one COUNT query, without the rows' joins)."""
    paginator = Paginator(packages.order_by("-pk"), PAGE_SIZE)
    if count is not None:
        paginator.count = count  # the cached_property's value, without its query
    page = paginator.get_page(number)
    start = (page.number - 1) * PAGE_SIZE
    shown = list(_with_counts(packages, user)[start : start + PAGE_SIZE])
    stages = deciding_stages(shown, now)
    rows = [
        DashboardRow(
            package=package,
            standing=standing_at(stages[package.pk], now),
            needs_my_approval=approvals
            and package.state == PackageState.ASSIGNED
            and not getattr(package, "approved_by_me", False),
            unanswered_questions=getattr(package, "unanswered", 0),
        )
        for package in shown
    ]
    # The page of rows, not of packages: the paginator only counted them.
    return Page(rows, page.number, cast("Paginator[DashboardRow]", paginator))


def ppk_packages(
    *, portal: Portal, user: User, page: str | None = None, now: datetime | None = None
) -> Page[DashboardRow]:
    """Every package of the PPK, newest first, with its state and, once published, its
    stage: page `page` of them."""
    packages = Package.objects.filter(portal=portal, ppk=user)
    return _page(packages, user, number=page, now=now or timezone.now(), approvals=False)


@dataclass(frozen=True)
class PokjaTenders:
    page: Page[DashboardRow]
    # Over all of the member's tenders, not only the page's.
    approvals_waiting: int
    questions_waiting: int


def pokja_tenders(
    *, portal: Portal, user: User, page: str | None = None, now: datetime | None = None
) -> PokjaTenders:
    """The assigned and published packages of the Pokja groups `user` sits on (page
    `page` of them), and what waits for `user` in all of them: the packages to approve
    for publication, the questions to answer (one query with their number)."""
    pokjas = PokjaMember.objects.filter(user=user, pokja__portal=portal).values("pokja")
    packages = Package.objects.filter(
        portal=portal,
        pokja__in=pokjas,
        state__in=(PackageState.ASSIGNED, PackageState.PUBLISHED),
    )
    totals = packages.aggregate(
        count=Count("pk", distinct=True),
        approvals=Count(
            "pk",
            distinct=True,
            filter=Q(state=PackageState.ASSIGNED) & ~Q(_approved_by_me(user)),
        ),
        questions=Count("questions", filter=Q(questions__answered_at__isnull=True)),
    )
    return PokjaTenders(
        page=_page(
            packages,
            user,
            number=page,
            now=now or timezone.now(),
            approvals=True,
            count=totals["count"],
        ),
        approvals_waiting=totals["approvals"],
        questions_waiting=totals["questions"],
    )


def pejabat_packages(
    *, portal: Portal, user: User, page: str | None = None, now: datetime | None = None
) -> Page[DashboardRow]:
    """The assigned and published packages of a Pejabat Pengadaan: page `page` of them."""
    packages = Package.objects.filter(
        portal=portal,
        pejabat_pengadaan=user,
        state__in=(PackageState.ASSIGNED, PackageState.PUBLISHED),
    )
    return _page(packages, user, number=page, now=now or timezone.now(), approvals=False)
