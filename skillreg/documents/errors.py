"""Errors of document rendering. These are server configuration faults, not user errors."""

from __future__ import annotations


class DocumentError(RuntimeError):
    code = "DOCUMENT_ERROR"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class FontMissing(DocumentError):
    """No embeddable CJK TrueType font is installed: a PDF would be unreadable or not self-contained."""

    code = "PDF_FONT_MISSING"

    def __init__(self, candidates: list[str]) -> None:
        tried = "、".join(candidates) if candidates else "（未配置）"
        super().__init__(
            "无法生成PDF：未找到可嵌入的中文 TrueType 字体。"
            f"已查找：{tried}。请安装 Debian 软件包 fonts-wqy-microhei"
            "（apt-get install fonts-wqy-microhei），或设置环境变量 SKILLREG_PDF_FONT 指向一个中文 TrueType 字体文件。"
        )
        self.candidates = candidates
