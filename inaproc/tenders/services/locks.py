"""The row lock every write on a package takes first, so that writes on one package
happen one after another (approvals, joins, schedule changes, documents, answers)."""

from inaproc.tenders.models import Package, ScheduleStage
from inaproc.tenders.selectors.participation import package_with_stages


def package_locked(package_id: int, *, with_stages: bool = False) -> Package:
    """The package, locked (only its own row: `of=self`, as the runner and PPK are joined
    in), with its stages read under the lock when `with_stages`. Raises
    Package.DoesNotExist."""
    package = (
        Package.objects.select_for_update(of=("self",))
        .select_related("portal", "pokja", "pejabat_pengadaan", "ppk")
        .get(pk=package_id)
    )
    if with_stages:
        return package_with_stages(package, list(ScheduleStage.objects.filter(package=package)))
    return package
