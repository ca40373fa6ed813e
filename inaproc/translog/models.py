"""A portal's transparency log (SEALED-BIDS.md §3, docs/sealed-bids.md): its signing
keys, its append-only entries, the state that orders them and its signed tree heads.

Rows of LogEntry and TreeHead are only ever added; LogState is updated under a row lock
by `services.append_entry` alone."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from inaproc.portals.models import Portal


class SigningKey(models.Model):
    """A portal's Ed25519 signing key. The private key is stored encrypted
    (`keys.private_key_encrypt`, docs/decisions/0012); one key per portal is current (not
    retired); retired keys stay published so that what they signed still verifies."""

    portal = models.ForeignKey(Portal, on_delete=models.PROTECT, related_name="+")
    key_id = models.CharField(_("key id"), max_length=64, unique=True)
    public_key = models.BinaryField(_("public key"))
    private_key_encrypted = models.BinaryField(_("encrypted private key"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    retired_at = models.DateTimeField(_("retired"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["portal"],
                condition=models.Q(retired_at__isnull=True),
                name="translog_one_current_key_per_portal",
            )
        ]

    def __str__(self) -> str:
        return self.key_id[:16]


class LogState(models.Model):
    """The head of a portal's log: its size and Merkle frontier (hex hashes of the
    perfect subtrees, `seal.merkle.Frontier`). Locked by every append."""

    portal = models.OneToOneField(Portal, on_delete=models.PROTECT, related_name="+")
    size = models.PositiveBigIntegerField(default=0)
    frontier = models.JSONField(default=list)
    # When a tree head was last signed on demand (the inclusion endpoint), for its limit.
    on_demand_signed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.portal_id}: {self.size}"


class LogEntry(models.Model):
    """One entry: `body` is the exact canonical JSON text that was signed and hashed."""

    portal = models.ForeignKey(Portal, on_delete=models.PROTECT, related_name="+")
    index = models.PositiveBigIntegerField(_("index"))
    kind = models.CharField(_("kind"), max_length=60)
    body = models.TextField(_("body"))
    leaf_hash = models.CharField(max_length=64)
    signature = models.CharField(max_length=100)
    key_id = models.CharField(max_length=64)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["portal", "index"]
        constraints = [
            models.UniqueConstraint(fields=["portal", "index"], name="translog_entry_index")
        ]

    def __str__(self) -> str:
        return f"{self.index} {self.kind}"


class TreeHead(models.Model):
    """A signed tree head; `body` is the exact canonical JSON text that was signed."""

    portal = models.ForeignKey(Portal, on_delete=models.PROTECT, related_name="+")
    tree_size = models.PositiveBigIntegerField()
    root_hash = models.CharField(max_length=64)
    timestamp = models.DateTimeField()
    body = models.TextField()
    signature = models.CharField(max_length=100)
    key_id = models.CharField(max_length=64)

    class Meta:
        ordering = ["portal", "-tree_size", "-timestamp", "-id"]
        indexes = [models.Index(fields=["portal", "tree_size"], name="translog_head_size_idx")]

    def __str__(self) -> str:
        return f"{self.tree_size} {self.root_hash[:12]}"


class LogNode(models.Model):
    """A cached hash of a complete, aligned subtree of a portal's log: node (level k,
    index i) is the Merkle tree hash of leaves [i·2^k, (i+1)·2^k). The log only grows,
    so such a subtree never changes; only levels at or above
    settings.TRANSLOG_NODE_CACHE_LEVEL are stored (rows ~ size / 2^(level-1)). A cache:
    rows may be missing (computed and added by the proofs) or deleted at any time."""

    portal = models.ForeignKey(Portal, on_delete=models.PROTECT, related_name="+")
    level = models.PositiveSmallIntegerField()
    index = models.PositiveBigIntegerField()
    hash = models.BinaryField(max_length=32)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["portal", "level", "index"], name="translog_node_position"
            )
        ]

    def __str__(self) -> str:
        return f"{self.portal_id}: {self.level}/{self.index}"
