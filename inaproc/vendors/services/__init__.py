from inaproc.vendors.services.kbli import KbliLoadResult, kbli_load

__all__ = ["KbliLoadResult", "kbli_load"]
