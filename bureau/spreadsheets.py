"""Cell values for every export a spreadsheet program opens (the audit CSV, the xlsx bulletins and rankings).

Text from users (a username typed at the login page, a case address) must stay text: a value starting
with = + - @ (or a tab or carriage return, which some programs skip before reading one) would be taken
for a formula and run when the file is opened, so it is prefixed with an apostrophe. Control characters
that the xlsx format cannot hold (openpyxl refuses them) are removed. Numbers, dates and None pass through.
"""
import re

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# The characters XML 1.0 forbids (openpyxl's ILLEGAL_CHARACTERS_RE); tab, newline and CR are allowed.
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def spreadsheet_cell(value):
    """The value, safe to write as one cell of a CSV or xlsx file."""
    if not isinstance(value, str):
        return value
    value = _ILLEGAL.sub("", value)
    if value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def spreadsheet_row(values):
    return [spreadsheet_cell(value) for value in values]
