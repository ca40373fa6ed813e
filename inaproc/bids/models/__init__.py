from inaproc.bids.models.bids import BidState, BidVersion, SealedFile, SlotRule
from inaproc.bids.models.keys import KeyShare, OpeningKey, TenderKey
from inaproc.bids.models.opening import BidOpening, OpenedFile, OpeningShare, OpeningStatus

__all__ = [
    "BidOpening",
    "BidState",
    "BidVersion",
    "KeyShare",
    "OpenedFile",
    "OpeningKey",
    "OpeningShare",
    "OpeningStatus",
    "SealedFile",
    "SlotRule",
    "TenderKey",
]
