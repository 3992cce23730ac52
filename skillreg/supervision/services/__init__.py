"""Writes of supervision, one module per concern: ``rectification`` (CQ-30), ``notices`` (公示/公告 and objections),
``plans`` (双随机、一公开: inspector register, plans, the draw). Each write is one transaction with its audit record."""

from .rectification import (
    rectification_answer,
    rectification_close,
    rectification_fail,
    rectification_order,
    status_after_rectification,
)

__all__ = [
    "rectification_answer",
    "rectification_close",
    "rectification_fail",
    "rectification_order",
    "status_after_rectification",
]
