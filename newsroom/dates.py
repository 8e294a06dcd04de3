"""Front-matter dates: a bare date or time is in the site's timezone."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

_DATE = re.compile(
    r"(\d{4})-(\d{1,2})-(\d{1,2})"
    r"(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})?)?"
)


class DateError(ValueError):
    """A date an editor wrote that is not one: the message's template and the text."""

    def __init__(self, template: str, value: object) -> None:
        super().__init__(template.format(value=value))
        self.template = template
        self.value = value


def parse(value: object, tz: ZoneInfo) -> datetime:
    """An aware datetime, or DateError with a message an editor understands."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=tz)
    if isinstance(value, date):
        return datetime.combine(value, time(), tz)
    if isinstance(value, (list, tuple, dict)):   # (said without Python's spelling of it: "['2022-02-22']")
        raise DateError("a date is one date, not a list or a mapping (write it as 2022-02-21 or "
                        "2022-02-21T09:30:00+08:00)", value)
    if not isinstance(value, str):
        raise DateError("date '{value}' is not a date (write it as 2022-02-21 or 2022-02-21T09:30:00+08:00)", value)
    text = value.strip()
    m = _DATE.fullmatch(text)
    if not m:
        raise DateError("date '{value}' is not a date (write it as 2022-02-21 or 2022-02-21T09:30:00+08:00)", text)
    y, mo, d, hh, mm, ss, offset = m.groups()
    try:
        day = date(int(y), int(mo), int(d))
        moment = time(int(hh or 0), int(mm or 0), int(ss or 0))
        if offset:   # an offset out of range (+25:00) is not a valid date either
            iso = f"{day.isoformat()}T{moment.isoformat()}{'+00:00' if offset == 'Z' else offset}"
            return datetime.fromisoformat(iso).astimezone(tz)
    except ValueError:
        raise DateError("date '{value}' is not a valid date", text) from None
    return datetime.combine(day, moment, tz)
