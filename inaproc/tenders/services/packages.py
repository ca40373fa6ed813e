"""Packages: created by their PPK, edited by the PPK while a draft, assigned to a Pokja
or a Pejabat Pengadaan who completes and edits it, or returns it to the PPK.

Who may edit (`package_editor_kind`): the PPK while the package is a draft; its runner (a
member of its Pokja, or its Pejabat Pengadaan) while it is assigned; nobody once it is
published or cancelled. Every write locks the package row, re-checks the state and the
editor, validates the rules of `tenders.rules` and writes an audit row in the same
transaction; a failure saves nothing.
"""

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from inaproc.accounts.models import Role, User
from inaproc.audit.services import audit_record
from inaproc.core.context import AuditContext
from inaproc.portals.models import Portal
from inaproc.portals.urls_helpers import portal_absolute_url
from inaproc.tenders.access import is_runner
from inaproc.tenders.models import (
    Package,
    PackageLocation,
    PackageState,
    Pokja,
    PokjaMember,
    PublicationApproval,
)
from inaproc.tenders.rules import is_tender_method, package_public_code, package_rule_errors
from inaproc.tenders.selectors.pokja import pokja_active_members, pokjas_assignable
from inaproc.tenders.services.locks import package_locked
from inaproc.tenders.services.participation_mail import email_to
from inaproc.tenders.stages import template_for

# The fields of the package form that are columns of Package (kbli and locations apart).
PACKAGE_FIELDS = (
    "name",
    "description",
    "rup_code",
    "rup_name",
    "funding_source",
    "budget_year",
    "institution",
    "work_unit",
    "procurement_type",
    "selection_method",
    "qualification_method",
    "document_method",
    "evaluation_method",
    "contract_type",
    "business_qualification",
    "pagu",
    "hps",
    "qualification_requirements",
)

PPK_EDITS = "ppk"
RUNNER_EDITS = "runner"

ASSIGNED_EMAIL = "tenders/email/assigned"
RETURNED_EMAIL = "tenders/email/returned"


def package_editor_kind(*, package: Package, user: User) -> str | None:
    """Who `user` edits `package` as now: PPK_EDITS, RUNNER_EDITS or None (may not)."""
    if package.state == PackageState.DRAFT:
        mine = package.ppk_id == user.pk and user.has_role(Role.PPK)
        return PPK_EDITS if mine and user.portal_id == package.portal_id else None
    if package.state == PackageState.ASSIGNED and is_runner(package=package, user=user):
        return RUNNER_EDITS
    return None


def _refuse(message: str) -> ValidationError:
    return ValidationError(message, code="refused")


def _apply(package: Package, values: Mapping[str, Any]) -> None:
    errors = package_rule_errors(values)
    if errors:
        raise ValidationError(errors)
    for name in PACKAGE_FIELDS:
        setattr(package, name, values[name])
    template = template_for(package)
    package.schedule_template = template.key if template else ""
    # Only the form's columns (the FSM state may not even be set, let alone cleaned).
    others = [field.name for field in Package._meta.fields if field.name not in PACKAGE_FIELDS]
    package.full_clean(exclude=others, validate_unique=False, validate_constraints=False)


def provinces_of(locations: Iterable[tuple[str, str]]) -> list[str]:
    """`Package.provinces` for these (province, city) pairs."""
    return sorted({province for province, _city in locations})


def package_locations_set(package: Package, locations: Iterable[tuple[str, str]]) -> None:
    """Replace the work locations of `package` with the (province, city) pairs, and its
    denormalised `provinces` with them: the one place that writes either (call it
    inside the caller's transaction)."""
    pairs = list(dict.fromkeys(locations))
    PackageLocation.objects.filter(package=package).delete()
    PackageLocation.objects.bulk_create(
        [PackageLocation(package=package, province=province, city=city) for province, city in pairs]
    )
    package.provinces = provinces_of(pairs)
    Package.objects.filter(pk=package.pk).update(provinces=package.provinces)


def _snapshot(package: Package) -> dict[str, Any]:
    values = {name: getattr(package, name) for name in PACKAGE_FIELDS}
    values["kbli"] = sorted(package.kbli.values_list("code", flat=True))
    values["locations"] = list(
        PackageLocation.objects.filter(package=package).values_list("province", "city")
    )
    return values


def package_create(
    *, portal: Portal, ppk: User, values: Mapping[str, Any], context: AuditContext | None = None
) -> Package:
    """A draft package of `ppk` with `values` (the form's cleaned data: the columns of
    PACKAGE_FIELDS, `kbli` codes and `locations` (province, city) pairs) and its public
    code (`rules.package_public_code`), all in one transaction."""
    if not (ppk.has_role(Role.PPK) and ppk.portal_id == portal.pk):
        raise _refuse(_("Only a PPK of this portal creates packages."))
    package = Package(portal=portal, ppk=ppk)
    _apply(package, values)
    with transaction.atomic():
        package.save()
        package.code = package_public_code(package_pk=package.pk, portal_pk=portal.pk)
        package.save(update_fields=["code"])
        package.kbli.set(values.get("kbli") or [])
        package_locations_set(package, values.get("locations") or [])
        audit_record(
            actor=ppk,
            verb="package.created",
            target=package,
            portal=portal,
            payload={"code": package.code},
            context=context,
        )
    return package


def package_update(
    *,
    package: Package,
    by: User,
    values: Mapping[str, Any],
    context: AuditContext | None = None,
) -> list[str]:
    """Save the edited `values` of `package` (same shape as `package_create`'s) as its
    PPK (draft) or its runner (assigned); returns the names of the fields that changed.
    A runner's change withdraws the publication approvals given so far: they approved
    what the package said before."""
    with transaction.atomic():
        package = package_locked(package.pk)
        if package_editor_kind(package=package, user=by) is None:
            raise _refuse(_("This package can no longer be changed by you."))
        before = _snapshot(package)
        _apply(package, values)
        _check_method_fits_runner(package)
        after = {name: getattr(package, name) for name in PACKAGE_FIELDS}
        after["kbli"] = sorted(values.get("kbli") or [])
        after["locations"] = list(dict.fromkeys(values.get("locations") or []))
        changed = [name for name in after if after[name] != before[name]]
        if not changed:
            return []
        package.save()
        if "kbli" in changed:
            package.kbli.set(after["kbli"])
        if "locations" in changed:
            package_locations_set(package, after["locations"])
        withdrawn = PublicationApproval.objects.filter(package=package).delete()[0]
        audit_record(
            actor=by,
            verb="package.updated",
            target=package,
            portal=package.portal,
            payload={"fields": changed, "approvals_withdrawn": withdrawn},
            context=context,
        )
    return changed


def _check_method_fits_runner(package: Package) -> None:
    """The runner's edit keeps a method its kind of runner runs: a Pokja runs tenders and
    selections, a Pejabat Pengadaan the non-tender methods. Turning one into the other
    is the PPK's choice: the package goes back to the PPK, who assigns it again."""
    tender = is_tender_method(package.selection_method)
    if package.pokja_id is not None and not tender:
        raise ValidationError(
            {
                "selection_method": _(
                    "A Pokja runs this package, and a Pokja runs tenders and selections. "
                    "To make it a Pengadaan Langsung or a Penunjukan Langsung, return it "
                    "to the PPK."
                )
            }
        )
    if package.pejabat_pengadaan_id is not None and tender:
        raise ValidationError(
            {
                "selection_method": _(
                    "A Pejabat Pengadaan runs this package, and runs only Pengadaan "
                    "Langsung and Penunjukan Langsung. To make it a tender or a selection, "
                    "return it to the PPK."
                )
            }
        )


def _check_runner(
    package: Package, ppk: User, pokja: Pokja | None, pejabat_pengadaan: User | None
) -> None:
    if (pokja is None) == (pejabat_pengadaan is None):
        raise ValidationError({"runner": _("Choose one Pokja or one Pejabat Pengadaan.")})
    tender = is_tender_method(package.selection_method)
    if tender and pokja is None:
        raise ValidationError({"runner": _("A tender or a selection is run by a Pokja.")})
    if not tender and pejabat_pengadaan is None:
        raise ValidationError(
            {
                "runner": _(
                    "Pengadaan Langsung and Penunjukan Langsung are run by a Pejabat Pengadaan."
                )
            }
        )
    if pokja is not None:
        if not pokjas_assignable(portal=package.portal).filter(pk=pokja.pk).exists():
            raise ValidationError(
                {"runner": _("This Pokja cannot take packages (members, chair or active).")}
            )
        if PokjaMember.objects.filter(pokja=pokja, user=ppk).exists():
            raise ValidationError(
                {"runner": _("You sit on this Pokja: a package's PPK never sits on its Pokja.")}
            )
    if pejabat_pengadaan is not None:
        if pejabat_pengadaan.portal_id != package.portal_id or not pejabat_pengadaan.has_role(
            Role.PEJABAT_PENGADAAN
        ):
            raise ValidationError({"runner": _("Choose a Pejabat Pengadaan of this portal.")})
        if pejabat_pengadaan.pk == ppk.pk:
            raise ValidationError(
                {"runner": _("The PPK of a package cannot also be its Pejabat Pengadaan.")}
            )


def package_assign(
    *,
    package: Package,
    by: User,
    pokja: Pokja | None = None,
    pejabat_pengadaan: User | None = None,
    context: AuditContext | None = None,
) -> Package:
    """The PPK hands the draft to a Pokja (tender methods) or a Pejabat Pengadaan
    (Pengadaan Langsung, Penunjukan Langsung); it is theirs to complete from now on."""
    with transaction.atomic():
        package = package_locked(package.pk)
        if package_editor_kind(package=package, user=by) != PPK_EDITS:
            raise _refuse(_("Only the PPK assigns a draft package."))
        _check_runner(package, by, pokja, pejabat_pengadaan)
        package.pokja = pokja
        package.pejabat_pengadaan = pejabat_pengadaan
        package.assign(at=timezone.now())
        package.save()
        audit_record(
            actor=by,
            verb="package.assigned",
            target=package,
            portal=package.portal,
            payload={
                "pokja": pokja.pk if pokja else None,
                "pejabat_pengadaan": pejabat_pengadaan.pk if pejabat_pengadaan else None,
            },
            context=context,
        )
        runners: list[User] = (
            pokja_active_members(pokja)
            if pokja
            else [pejabat_pengadaan]
            if pejabat_pengadaan
            else []
        )
        email_to(
            [user.email for user in runners if user.email],
            package=package,
            template=ASSIGNED_EMAIL,
            context={"staff_url": _detail_link(package), "pokja": pokja},
        )
    return package


def package_return_to_ppk(
    *, package: Package, by: User, reason: str, context: AuditContext | None = None
) -> Package:
    """The runner gives the package back to its PPK (a draft again, without runner and
    without the publication approvals given so far), with a reason."""
    with transaction.atomic():
        package = package_locked(package.pk)
        if package_editor_kind(package=package, user=by) != RUNNER_EDITS:
            raise _refuse(
                _("Only the Pokja or the Pejabat Pengadaan of an assigned package returns it.")
            )
        package.return_to_ppk()
        package.pokja = None
        package.pejabat_pengadaan = None
        package.save()
        PublicationApproval.objects.filter(package=package).delete()
        audit_record(
            actor=by,
            verb="package.returned",
            target=package,
            portal=package.portal,
            reason=reason,
            context=context,
        )
        email_to(
            [package.ppk.email] if package.ppk.email else [],
            package=package,
            template=RETURNED_EMAIL,
            context={"staff_url": _detail_link(package), "reason": reason, "by": by},
        )
    return package


def _detail_link(package: Package) -> str:
    return portal_absolute_url(package.portal, "tenders:package_detail", pk=package.pk)
