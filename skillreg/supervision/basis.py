"""Legal bases shown on notices and records: the documents' own 文号 and articles (never a requirement ID)."""

CQ_DOC = "《重庆市职业技能等级评价机构管理办法》（渝人社发〔2020〕128号）"
STATE_COUNCIL_58 = "《国务院办公厅关于推广随机抽查规范事中事后监管的通知》（国办发〔2015〕58号）"

DRAW = f"{CQ_DOC}第二十五条；{STATE_COUNCIL_58}"
SELECTION = f"{CQ_DOC}第十一条"
CANCELLATION = f"{CQ_DOC}第三十条"
RECTIFICATION = f"{CQ_DOC}第三十条"
CREDIT = f"{CQ_DOC}第二十九条"
GZ_DOC = "《贵州省职业技能等级认定机构遴选及退出实施细则》"
ORDERED_EXIT_GZ = f"{GZ_DOC}第十五条"
ORDERED_EXIT_CQ = f"{CQ_DOC}第三十条"


def ordered_exit(region_code: str) -> str:
    """The article an ordered exit (责令终止) is announced under: the filing province's own document where it has
    one (Chongqing 第三十条), otherwise the Guizhou rules' 第十五条 that the lifecycle applies (docs/decisions.md)."""
    return ORDERED_EXIT_CQ if region_code.startswith("50") else ORDERED_EXIT_GZ
