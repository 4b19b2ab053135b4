"""The annual work summary's data annex (工作总结数据附表): for a year, the tables a bureau pastes into its
summary, every figure of the registry with last year beside it and the change; the same figures per street;
the campaigns' targets and results. One builder feeds the page, the xlsx and the `annual_annex` command, so
they always agree."""
from dataclasses import dataclass, field
from decimal import Decimal
from io import BytesIO

from django.utils.translation import gettext as _

from bureau.spreadsheets import spreadsheet_row
from bureau.statistics import Period, evaluate, sections_by_code, values_by_street

from .readings import number

# The figures of the per-street table, in order (those registered; a missing one is left out).
STREET_FIGURES = ("cases_reported", "cases_self_handled", "cases_closed", "cases_closed_on_time", "patrol_reports",
                  "frontage_agreements_signed", "orders_issued", "penalties_decided", "fines_total", "demolitions",
                  "demolished_area")


@dataclass
class AnnexRow:
    code: str
    name: str
    unit: str
    value: object
    previous: object

    @property
    def change(self):
        return number(Decimal(str(self.value)) - Decimal(str(self.previous)))

    @property
    def change_percent(self):
        """The change against last year in percent, one decimal; None when last year was nothing."""
        if not self.previous:
            return None
        return float(round((Decimal(str(self.value)) - Decimal(str(self.previous))) / Decimal(str(self.previous))
                           * 100, 1))


@dataclass
class AnnexTable:
    title: str
    rows: list = field(default_factory=list)


@dataclass
class Annex:
    year: int
    street: object
    tables: list  # AnnexTable
    street_columns: list  # (code, name, unit)
    street_rows: list  # (street, [value per column])
    campaign_rows: list  # (campaign name, target label, unit, target, result, percent)


def build_annex(year: int, *, street=None, user=None) -> Annex:
    """The annex of `year` (against `year - 1`), district-wide or for one street, as `user` may see it."""
    from grids.models import Street

    this, last = Period.year(year), Period.year(year - 1)
    memo: dict = {}
    current = evaluate(this, street, user, memo=memo)
    previous = dict((fig.code, value) for fig, value in evaluate(last, street, user, memo=memo))
    sections = sections_by_code()
    tables: dict[str, AnnexTable] = {}
    for fig, value in current:
        title = str(sections[fig.section].title) if fig.section in sections else fig.section
        table = tables.setdefault(fig.section, AnnexTable(title))
        table.rows.append(AnnexRow(fig.code, str(fig.name), str(fig.unit), number(value),
                                   number(previous.get(fig.code, 0))))
    streets = [street] if street is not None else list(
        (Street.objects.visible_to(user) if user is not None else Street.objects.all()).order_by("code"))
    columns, by_code = [], {}
    registered = {fig.code: fig for fig, _value in current}
    for code in STREET_FIGURES:
        fig = registered.get(code)
        if fig is None:
            continue
        columns.append((code, str(fig.name), str(fig.unit)))
        by_code[code] = values_by_street(fig, this, streets, user, memo)
    street_rows = [(s, [number(by_code[code][s.pk]) for code, _name, _unit in columns]) for s in streets]
    return Annex(year, street, list(tables.values()), columns, street_rows, _campaign_rows(this, street, user, memo))


def _campaign_rows(period, street, user, memo):
    from bureau.statistics import Query
    from inspections.statistics import target_results

    return [(t.campaign.name, t.label, t.unit, number(t.target), number(total), float(percent))
            for t, total, percent in target_results(Query(period, street, user, memo))]


def annex_xlsx(annex: Annex) -> bytes:
    """The annex as a workbook: one sheet of every table (as on the page), one per street, one of campaigns."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = _("数据附表")
    bold = Font(bold=True)
    title = _("%(year)s年工作总结数据附表") % {"year": annex.year}
    if annex.street is not None:
        title = f"{title}（{annex.street.name}）"
    sheet.append(spreadsheet_row([title]))
    sheet["A1"].font = Font(bold=True, size=14)
    header = [_("指标"), _("单位"), str(annex.year), str(annex.year - 1), _("增减"), _("增减（%）")]
    for table in annex.tables:
        sheet.append([])
        sheet.append(spreadsheet_row([table.title]))
        sheet.cell(row=sheet.max_row, column=1).font = bold
        sheet.append(spreadsheet_row(header))
        for row in table.rows:
            sheet.append(spreadsheet_row([row.name, row.unit, row.value, row.previous, row.change,
                                          row.change_percent]))
    sheet.column_dimensions["A"].width = 36
    streets = book.create_sheet(_("分街道"))
    streets.append(spreadsheet_row([_("街道")] + [f"{name}（{unit}）" for _code, name, unit in annex.street_columns]))
    for street, values in annex.street_rows:
        streets.append(spreadsheet_row([street.name] + values))
    campaigns = book.create_sheet(_("专项整治"))
    campaigns.append(spreadsheet_row([_("专项整治"), _("目标"), _("单位"), _("目标值"), _("完成值"), _("完成率（%）")]))
    for row in annex.campaign_rows:
        campaigns.append(spreadsheet_row(list(row)))
    out = BytesIO()
    book.save(out)
    return out.getvalue()
