"""Printable documents: a rectification order as a PDF (A4), made with reportlab.

Chinese is set in reportlab's built-in CID font STSong-Light (the Adobe-GB1 collection every PDF reader
carries), so no font file ships with the project. The same content is the order's A4 page
(templates/enforcement/order_print.html); both show the party's ID number masked only.
"""
from io import BytesIO

from django.utils import timezone
from django.utils.translation import gettext as _

FONT = "STSong-Light"


def _register_font():
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))


def _local(value, fmt="%Y年%m月%d日 %H:%M"):
    return timezone.localtime(value).strftime(fmt) if value else ""


def order_lines(order) -> dict:
    """What the order says, in the order it says it: shared by the PDF and the A4 page."""
    party = order.party
    identity = party.id_number_masked or party.phone_masked
    return {
        "title": _("责令限期整改通知书"),
        "number": order.number,
        "party": f"{party.name}（{identity}）" if identity else party.name,
        "address": party.address or order.case.address,
        "facts": order.facts,
        "items": order.item_list,
        "legal_basis": order.legal_basis,
        "deadline": _("请于 %(deadline)s 前（%(days)s 个工作日内）整改完毕，逾期未整改的，将依法处理。") % {
            "deadline": _local(order.deadline), "days": order.deadline_days},
        "issuing_unit": order.issuing_unit,
        "signer": order.signer_name,
        "issued_on": _local(order.issued_at, "%Y年%m月%d日"),
        "case": order.case.number,
    }


def order_pdf(order) -> bytes:
    """The order on one A4 page as PDF bytes."""
    from xml.sax.saxutils import escape

    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    _register_font()
    lines = order_lines(order)
    base = ParagraphStyle("body", fontName=FONT, fontSize=12, leading=20, wordWrap="CJK")
    title = ParagraphStyle("title", parent=base, fontSize=20, leading=28, alignment=1)
    centre = ParagraphStyle("centre", parent=base, alignment=1)
    right = ParagraphStyle("right", parent=base, alignment=2)
    buffer = BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=25 * mm, rightMargin=25 * mm, topMargin=25 * mm,
                            bottomMargin=20 * mm, title=f"{lines['title']} {lines['number']}",
                            author=lines["issuing_unit"])

    def para(text, style=base):
        return Paragraph(escape(str(text)).replace("\n", "<br/>"), style)

    story = [para(lines["issuing_unit"], centre), para(lines["title"], title), para(lines["number"], centre),
             Spacer(1, 6 * mm),
             para(_("当事人：%(party)s") % {"party": lines["party"]})]
    if lines["address"]:
        story.append(para(_("地址：%(address)s") % {"address": lines["address"]}))
    story += [Spacer(1, 3 * mm), para(_("经查，%(facts)s") % {"facts": lines["facts"]}),
              para(_("上述行为违反了%(basis)s。依据有关规定，责令你（单位）改正下列事项：") % {"basis": lines["legal_basis"]})]
    story += [para(f"{i}. {item}") for i, item in enumerate(lines["items"], 1)]
    story += [Spacer(1, 3 * mm), para(lines["deadline"]), Spacer(1, 16 * mm),
              para(_("执法单位：%(unit)s（盖章）") % {"unit": lines["issuing_unit"]}, right),
              para(_("签发人：%(signer)s") % {"signer": lines["signer"]}, right),
              para(lines["issued_on"], right), Spacer(1, 10 * mm),
              para(_("当事人签收：　　　　　　　　日期：　　　　　　"), base),
              para(_("案件编号：%(case)s") % {"case": lines["case"]}, base)]

    def seal(canvas, document):
        # the place for the seal: a circle beside the issuing unit's name
        canvas.saveState()
        canvas.setDash(2, 2)
        canvas.circle(A4[0] - 60 * mm, 95 * mm, 21 * mm)
        canvas.restoreState()

    doc.build(story, onFirstPage=seal)
    return buffer.getvalue()
