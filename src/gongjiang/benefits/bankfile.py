"""The file sent to the bank, the file the bank sends back, and the in-kind receipt sheet."""

from __future__ import annotations

import csv
import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from gongjiang.accounts import permissions
from gongjiang.accounts.audit import record
from gongjiang.accounts.enums import AuditAction
from gongjiang.accounts.permissions import Perm
from gongjiang.benefits.enums import BatchState, LineState
from gongjiang.benefits.models import Batch
from gongjiang.core.downloads import file_download
from gongjiang.core.errors import DomainError
from gongjiang.core.masking import mask_account
from gongjiang.core.money import parse_yuan
from gongjiang.core.sheets import reader
from gongjiang.core.sheets.cells import Problem, normalise_header, parse_date, text
from gongjiang.core.xlsx import RosterWriter

HEADERS = ["行号", "姓名", "账号", "开户行", "金额", "用途", "期间"]


def bank_rows(batch: Batch, *, unmasked: bool):
    lines = batch.lines.filter(state=LineState.PENDING).select_related("model_worker").order_by("id")
    purpose = batch.scheme.purpose or batch.scheme.name
    for line in lines.iterator(chunk_size=5000):
        number = line.account_number if unmasked else mask_account(line.account_number)
        yield [
            line.pk,
            line.holder or line.model_worker.name,
            number,
            line.bank,
            line.amount,
            purpose,
            batch.scheme.period_label(line.period),
        ]


def write_xlsx(batch: Batch, path: str, *, unmasked: bool) -> int:
    n = 0
    with RosterWriter(path, sheet="代发明细", title=batch.title) as out:
        out.header(HEADERS, [8, 10, 24, 22, 12, 16, 12])
        for row in bank_rows(batch, unmasked=unmasked):
            out.row(row)
            n += 1
    return n


def write_csv(batch: Batch, path: str, *, unmasked: bool) -> int:
    """UTF-8 with a BOM (WPS and Excel open it right); account numbers quoted as text."""
    n = 0
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh, quoting=csv.QUOTE_NONNUMERIC)
        writer.writerow(HEADERS)
        for row in bank_rows(batch, unmasked=unmasked):
            line_id, name, number, bank, amount, purpose, period = row
            writer.writerow([line_id, _text(name), _text(number), _text(bank), f"{amount:.2f}", _text(purpose), period])
            n += 1
    return n


def download(*, actor, batch: Batch, fmt: str):
    """The bank file of an approved batch as a download (pages and API alike), audited; the
    account numbers are unmasked only for a role that may see them."""

    if batch.state not in (BatchState.APPROVED, BatchState.PAID, BatchState.PARTLY_FAILED):
        raise DomainError(_("The bank file is available once the batch is approved."), code="conflict")
    require_lines_to_send(batch)
    unmasked = permissions.has_perm(actor, Perm.REVEAL_ACCOUNT)
    writer = write_xlsx if fmt == "xlsx" else write_csv
    response = file_download(
        lambda path: writer(batch, path, unmasked=unmasked), f"代发-{batch.pk}-{timezone.localtime():%Y%m%d}.{fmt}"
    )
    record(
        actor=actor,
        action=AuditAction.EXPORT,
        obj=batch,
        detail={
            "file": f"bank.{fmt}",
            "rows": batch.lines.filter(state=LineState.PENDING).count(),
            "unmasked": unmasked,
        },
    )
    return response


def require_lines_to_send(batch: Batch) -> None:
    """The bank file (and the receipt sheet) lists the lines still to pay, never one paid: once
    every line has its result there is no file to send, and the page no longer offers one."""

    if not batch.lines.filter(state=LineState.PENDING).exists():
        raise DomainError(
            _("Every line of this batch has its result: nothing is left to send to the bank."), code="conflict"
        )


def _text(value: str) -> str:
    """No cell may become a formula when the bank's staff open the CSV."""
    value = str(value or "")
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def write_receipt_sheet(batch: Batch, path: str) -> int:
    """签收表: one row per person, the items, and columns to sign."""
    n = 0
    items = list(batch.scheme.items.select_related("item"))
    with RosterWriter(path, sheet="签收表", title=batch.title) as out:
        out.header(
            ["行号", "姓名", "所属工会", *[f"{si.item.name}（{si.item.unit}）" for si in items], "签收人", "签收日期"],
            [8, 10, 22, *[14] * len(items), 14, 12],
        )
        lines = (
            batch.lines.filter(state=LineState.PENDING)
            .select_related("model_worker__union")
            .order_by("model_worker__union__sort_order", "id")
        )
        for line in lines.iterator(chunk_size=5000):
            out.row(
                [line.pk, line.model_worker.name, line.model_worker.union.name, *[si.quantity for si in items], "", ""]
            )
            n += 1
    return n


# --- The bank's return file -------------------------------------------------------------------

RETURN_ALIASES = {
    "line": ["行号", "明细号", "序号", "编号"],
    "account": ["账号", "卡号", "收款账号", "银行账号"],
    "name": ["姓名", "户名", "收款人"],
    "amount": ["金额", "交易金额", "发放金额"],
    "result": ["结果", "状态", "处理结果", "交易状态"],
    "paid_on": ["日期", "交易日期", "入账日期", "处理日期"],
    "reference": ["流水号", "参考号", "交易流水号", "凭证号"],
    "reason": ["失败原因", "原因", "备注", "错误信息"],
}
SUCCESS = {"成功", "已入账", "入账成功", "交易成功", "正常", "OK", "SUCCESS", "已支付"}


def parse_return(batch: Batch, data: bytes, name: str) -> list[dict]:
    """Results ready for ``services.record_results``; a clear message for anything unreadable."""

    try:
        grid, _fmt = reader.read(data, name)
    except reader.RosterFileError as e:
        raise ValidationError(str(e)) from None
    alias = {normalise_header(a): key for key, names in RETURN_ALIASES.items() for a in names}
    header_index, columns = None, {}
    for i, row in enumerate(grid.rows[:20]):
        found = {alias[normalise_header(c)]: j for j, c in enumerate(row) if normalise_header(c) in alias}
        if "result" in found and ("line" in found or "account" in found):
            header_index, columns = i, found
            break
    if header_index is None:
        raise ValidationError(_("The file needs a result column (结果) and the line number (行号) or account (账号)."))
    lines = {line.pk: line for line in batch.lines.all()}
    by_account = {}
    for line in lines.values():
        by_account.setdefault(line.account_number, []).append(line)
    results, problems = [], []
    for n, row in enumerate(grid.rows[header_index + 1 :], start=header_index + 2):

        def cell(key, row=row):
            return row[columns[key]] if key in columns and columns[key] < len(row) else None

        if all(v in (None, "") for v in row):
            continue
        line = None
        if cell("line") not in (None, "") and text(cell("line")).isdigit():
            line = lines.get(int(text(cell("line"))))
        elif cell("account"):
            candidates = by_account.get(text(cell("account")).replace(" ", ""), [])
            amount = cell("amount")
            if amount not in (None, ""):
                try:
                    wanted = parse_yuan(text(amount))
                except ValueError:
                    problems.append(_("Row %(n)s: “%(v)s” is not an amount in yuan.") % {"n": n, "v": text(amount)})
                    continue
                candidates = [c for c in candidates if c.amount == wanted]
            line = candidates[0] if len(candidates) == 1 else None
        if line is None:
            problems.append(_("Row %(n)s: no line of this batch matches it.") % {"n": n})
            continue
        ok = text(cell("result")).upper() in SUCCESS
        paid_on = None
        if ok:
            try:
                d = parse_date(cell("paid_on"))
                paid_on = d.value if d else dt.date.today()
            except Problem as e:
                problems.append(_("Row %(n)s: %(e)s") % {"n": n, "e": e.message})
                continue
        results.append(
            {
                "line": line.pk,
                "paid": ok,
                "paid_on": paid_on,
                "reference": text(cell("reference")),
                "reason": text(cell("reason")) or (text(cell("result")) if not ok else ""),
            }
        )
    if problems:
        raise ValidationError(problems)
    return results
