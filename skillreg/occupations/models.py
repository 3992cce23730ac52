from django.db import models

LEVEL_NAMES = {
    5: "五级/初级工",
    4: "四级/中级工",
    3: "三级/高级工",
    2: "二级/技师",
    1: "一级/高级技师",
}
LEVEL_CHOICES = [(k, v) for k, v in sorted(LEVEL_NAMES.items(), reverse=True)]


class Occupation(models.Model):
    """An occupation (职业) or a work type (工种) of 《中华人民共和国职业分类大典（2022年版）》.

    ``code`` is the catalogue code, e.g. ``4-10-01-05`` for an occupation or ``6-31-01-03-01`` for one of
    its work types. ``new_occupation`` marks occupations MOHRSS published as new (GZ-6.3, WX-2.3).
    """

    code = models.CharField("职业编码", max_length=20, unique=True)
    name = models.CharField("职业（工种）名称", max_length=100)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="work_types")
    new_occupation = models.BooleanField("新职业", default=False)
    levels = models.JSONField("可评价等级", default=list, help_text="Levels defined by its national standard (1–5)")
    active = models.BooleanField("有效", default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = verbose_name_plural = "职业（工种）"

    def __str__(self) -> str:
        return f"{self.code} {self.name}"
