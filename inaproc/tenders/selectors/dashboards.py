"""What the officials' dashboards show: the PPK's packages, the Pokja member's tenders
and what needs doing (approvals, questions waiting, the next deadline), the Pejabat
Pengadaan's packages. A fixed number of queries whatever the number of packages: the
counts are annotations and the stages are read as plain values (`plain_stages`)."""

from dataclasses import dataclass
from datetime import datetime

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
from inaproc.tenders.selectors.public import plain_stages
from inaproc.tenders.stages import Standing, TimedStage, stage_name, standing_at

DASHBOARD_LIMIT = 100


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


def _with_counts(packages: QuerySet[Package], user: User) -> QuerySet[Package]:
    return (
        packages.select_related("pokja", "pejabat_pengadaan")
        .only(*ROW_FIELDS)
        .annotate(
            unanswered=Count("questions", filter=Q(questions__answered_at__isnull=True)),
            approved_by_me=Exists(
                PublicationApproval.objects.filter(package=OuterRef("pk"), user=user)
            ),
        )
        .order_by("-pk")
    )


def _rows(packages: QuerySet[Package], *, now: datetime, approvals: bool) -> list[DashboardRow]:
    shown = list(packages[:DASHBOARD_LIMIT])
    stages = plain_stages(shown)
    return [
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


def ppk_packages(*, portal: Portal, user: User, now: datetime | None = None) -> list[DashboardRow]:
    """Every package of the PPK, newest first, with its state and, once published, its
    stage."""
    packages = _with_counts(Package.objects.filter(portal=portal, ppk=user), user)
    return _rows(packages, now=now or timezone.now(), approvals=False)


def pokja_tenders(*, portal: Portal, user: User, now: datetime | None = None) -> list[DashboardRow]:
    """The assigned and published packages of the Pokja groups `user` sits on."""
    pokjas = PokjaMember.objects.filter(user=user, pokja__portal=portal).values("pokja")
    packages = Package.objects.filter(
        portal=portal,
        pokja__in=pokjas,
        state__in=(PackageState.ASSIGNED, PackageState.PUBLISHED),
    )
    return _rows(_with_counts(packages, user), now=now or timezone.now(), approvals=True)


def pejabat_packages(
    *, portal: Portal, user: User, now: datetime | None = None
) -> list[DashboardRow]:
    """The assigned and published packages of a Pejabat Pengadaan."""
    packages = Package.objects.filter(
        portal=portal,
        pejabat_pengadaan=user,
        state__in=(PackageState.ASSIGNED, PackageState.PUBLISHED),
    )
    return _rows(_with_counts(packages, user), now=now or timezone.now(), approvals=False)
