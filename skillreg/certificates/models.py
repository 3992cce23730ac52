"""Certificate registry (证书登记): certificates and their bulk imports.

"谁评价，谁发证，谁负责" (CQ-4): every certificate belongs to the filed institution that issued it and to one
of its evaluation plans (``evaluations.EvaluationPlan``). Holder ID numbers are encrypted (SM4-GCM) with
a keyed blind index for exact search and a masked copy for display; see docs/decisions.md, "Certificate
registry (issue 6)".
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from skillreg.core.fields import BlindIndexField, EncryptedTextField
from skillreg.occupations.models import LEVEL_CHOICES, LEVEL_NAMES


class IdType(models.TextChoices):
    RESIDENT_ID = "resident_id", "居民身份证"
    HMT_RESIDENCE = "hmt_residence", "港澳台居民居住证"
    FOREIGN_PR = "foreign_pr", "外国人永久居留身份证"
    PASSPORT = "passport", "护照"
    HM_PERMIT = "hm_permit", "港澳居民来往内地通行证"
    TW_PERMIT = "tw_permit", "台湾居民来往大陆通行证"


class CertificateStatus(models.TextChoices):
    VALID = "valid", "有效"
    REVOKED = "revoked", "已撤销"
    # Written by an all-or-nothing import that is still running (issue 12, item 3): seen by no reader, published
    # (→ valid) once the whole file passed, deleted otherwise. See ``certificates.staging``.
    STAGED = "staged", "导入中"


VISIBLE_STATUSES = (CertificateStatus.VALID, CertificateStatus.REVOKED)


class Certificate(models.Model):
    """One skill-level certificate (职业技能等级证书) as reported by the issuing institution."""

    number = models.CharField("证书编号", max_length=22)
    filing = models.ForeignKey(
        "institutions.Filing", on_delete=models.PROTECT, related_name="certificates", db_index=False
    )
    batch = models.ForeignKey(
        "evaluations.EvaluationPlan", on_delete=models.PROTECT, related_name="certificates", db_index=False
    )
    holder_name = models.CharField("姓名", max_length=50)
    id_type = models.CharField("证件类型", max_length=16, choices=IdType.choices, default=IdType.RESIDENT_ID)
    # Bound to the column and the certificate number (unique, immutable, known before the insert).
    holder_id = EncryptedTextField("证件号码", bind_to="number")
    holder_id_index = BlindIndexField(
        "证件号码索引",
        source="holder_id",
        purpose="certificate.holder_id",
        db_index=False,  # indexed in Meta
    )
    holder_id_masked = models.CharField("证件号码（脱敏）", max_length=40)
    occupation = models.ForeignKey("occupations.Occupation", on_delete=models.PROTECT, related_name="+", db_index=False)
    occupation_name = models.CharField("职业名称", max_length=100)
    work_type = models.CharField("工种/方向", max_length=100, blank=True)
    level = models.PositiveSmallIntegerField("等级", choices=LEVEL_CHOICES)
    issue_date = models.DateField("发证日期")
    status = models.CharField("状态", max_length=8, choices=CertificateStatus.choices, default=CertificateStatus.VALID)
    revoked_on = models.DateField("撤销日期", null=True, blank=True)
    revoked_reason = models.TextField("撤销原因", blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    import_job = models.ForeignKey(
        "ImportJob", null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    source_row = models.PositiveIntegerField("导入文件行号", null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-issue_date", "number"]
        verbose_name = verbose_name_plural = "证书"
        constraints = [
            # A UniqueConstraint rather than unique=True: no extra LIKE index on PostgreSQL (lookups are exact).
            models.UniqueConstraint(fields=["number"], name="unique_certificate_number"),
            # One valid certificate per person, occupation and level at one institution (a staged one of a
            # running import counts: it becomes valid without another check).
            models.UniqueConstraint(
                fields=["filing", "holder_id_index", "occupation", "level"],
                condition=models.Q(status__in=["valid", "staged"]),
                name="unique_valid_certificate_per_holder",
            ),
            models.CheckConstraint(condition=models.Q(level__gte=1, level__lte=5), name="certificate_level_1_5"),
        ]
        indexes = [
            # Exact search by ID number (a Meta index: no second LIKE index on PostgreSQL).
            models.Index(fields=["holder_id_index"], name="cert_holder_idx"),
            # Per-institution lists and the validity-period statistics (range on issue_date).
            models.Index(fields=["filing", "issue_date"], name="cert_filing_issue"),
            # The staff list across institutions in its order (a region's first page walks it, no sort of millions)
            # and the exact search by holder name (issue 16: staff pages at 10 million certificates).
            models.Index(fields=["-issue_date", "number"], name="cert_list_order"),
            models.Index(fields=["holder_name"], name="cert_holder_name"),
            # An evaluation plan's certificates (its page, in the list's order): the plan's few thousand rows
            # of ten million, instead of a walk of the list order filtered by plan (issue 16).
            models.Index(fields=["batch", "-issue_date", "number"], name="cert_batch_order"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def level_label(self) -> str:
        return LEVEL_NAMES.get(self.level, str(self.level))

    @property
    def is_revoked(self) -> bool:
        return self.status == CertificateStatus.REVOKED


class ImportMode(models.TextChoices):
    ALL_OR_NOTHING = "all_or_nothing", "全部正确才导入"
    VALID_ONLY = "valid_only", "仅导入正确的行"


class ImportStatus(models.TextChoices):
    QUEUED = "queued", "排队中"
    RUNNING = "running", "处理中"
    DONE = "done", "已完成"
    PARTIAL = "partial", "部分导入"
    REJECTED = "rejected", "未导入（有错误）"
    FAILED = "failed", "失败"


FINISHED_STATUSES = (ImportStatus.DONE, ImportStatus.PARTIAL, ImportStatus.REJECTED, ImportStatus.FAILED)


class ImportJob(models.Model):
    """One bulk report of certificates (upload, API call or command), with progress and its error workbook."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    filing = models.ForeignKey("institutions.Filing", on_delete=models.PROTECT, related_name="+")
    source = models.CharField(
        "来源", max_length=8, default="upload", choices=[("upload", "网页上传"), ("api", "接口"), ("cli", "命令行")]
    )
    mode = models.CharField("导入方式", max_length=16, choices=ImportMode.choices)
    status = models.CharField("状态", max_length=10, choices=ImportStatus.choices, default=ImportStatus.QUEUED)
    original_name = models.CharField("文件名", max_length=200, blank=True)
    storage_name = models.CharField(max_length=120, blank=True)
    file_format = models.CharField("格式", max_length=8, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True, db_index=True)
    same_file_as = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    rows_read = models.PositiveIntegerField("已读取行数", default=0)
    rows_valid = models.PositiveIntegerField("正确行数", default=0)
    rows_invalid = models.PositiveIntegerField("错误行数", default=0)
    rows_created = models.PositiveIntegerField("新登记", default=0)
    rows_unchanged = models.PositiveIntegerField("已登记（未变）", default=0)
    errors_count = models.PositiveIntegerField("错误条数", default=0)
    first_errors = models.JSONField("前若干条错误", default=list, blank=True)
    errors_storage_name = models.CharField(max_length=120, blank=True)
    message = models.TextField("说明", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    actor_label = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    # host:pid of the process running it, so that a retry sees at once that it died (issue 12, item 9)
    worker = models.CharField(max_length=100, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = verbose_name_plural = "证书导入任务"
        constraints = [
            # One running import per institution: duplicate checks of one never race with another's writes.
            models.UniqueConstraint(
                fields=["filing"], condition=models.Q(status="running"), name="one_running_import_per_filing"
            )
        ]

    def __str__(self) -> str:
        return f"导入 {self.original_name or self.public_id}"

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED_STATUSES


class CertificateCount(models.Model):
    """How many certificates one institution holds per evaluation plan, occupation, level, issue date and
    status (issue 16: the statistics at 10 million certificates read these instead of counting).

    Kept exactly in step with ``Certificate`` in the same transaction by every writer of certificates, through
    ``certificates.counts`` only (tests/test_architecture.py); ``manage.py certificates recount --check``
    verifies it against the certificate table. Staged rows of a running import are counted under their own
    status, which no statistic reads."""

    filing = models.ForeignKey("institutions.Filing", on_delete=models.PROTECT, related_name="+", db_index=False)
    batch = models.ForeignKey("evaluations.EvaluationPlan", on_delete=models.PROTECT, related_name="+", db_index=False)
    occupation = models.ForeignKey("occupations.Occupation", on_delete=models.PROTECT, related_name="+", db_index=False)
    level = models.PositiveSmallIntegerField("等级", choices=LEVEL_CHOICES)
    issue_date = models.DateField("发证日期")
    status = models.CharField("状态", max_length=8, choices=CertificateStatus.choices)
    n = models.BigIntegerField("证书数", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "证书计数"
        constraints = [
            # The key of the upsert (counts.py), in the order the statistics read it: an institution's rows of
            # one status over a range of issue dates.
            models.UniqueConstraint(
                fields=["filing", "status", "issue_date", "occupation", "level", "batch"],
                name="certificate_count_key",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.filing_id}/{self.issue_date}/{self.status}: {self.n}"


class CertificateMonthCount(models.Model):
    """The same counts by institution × occupation × status × month of issue (``month``: its first day), kept with
    ``CertificateCount`` by ``certificates.counts.add``: a validity period's whole months are summed from here and
    only its two boundary months from the daily rows (the renewal statistics of a province read ~1/13 of the rows)."""

    filing = models.ForeignKey("institutions.Filing", on_delete=models.PROTECT, related_name="+", db_index=False)
    occupation = models.ForeignKey("occupations.Occupation", on_delete=models.PROTECT, related_name="+", db_index=False)
    status = models.CharField("状态", max_length=8, choices=CertificateStatus.choices)
    month = models.DateField("发证月份（首日）")
    n = models.BigIntegerField("证书数", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "证书月计数"
        constraints = [
            models.UniqueConstraint(
                fields=["filing", "status", "month", "occupation"], name="certificate_month_count_key"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.filing_id}/{self.month:%Y-%m}/{self.status}: {self.n}"
