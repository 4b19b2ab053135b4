"""The SQL floor of the assessment benchmark: ONE hand-written PostgreSQL statement computing, for every street
of a period, the same indicator values the compile publishes (as of the period's end): counts,
rates, bulletin items (of the ISO weeks ending in the period, each as of its own end) and patrol coverage.
It writes nothing and skips everything around the numbers (schemes, scores, comparing, publishing), so it
is the least any implementation on this database must spend.
"""
from decimal import ROUND_HALF_UP, Decimal

FLOOR_SQL = """
WITH cand AS (
    SELECT e.case_id FROM enforcement_caseevent e
    WHERE e.action = 'close' AND e.recorded_at >= %(start)s AND e.recorded_at < %(end)s
    UNION
    SELECT e.case_id FROM enforcement_caseevent e
    WHERE e.handling_due_at >= %(start)s AND e.handling_due_at < %(end)s AND e.recorded_at < %(end)s
      AND e.action IN ('dispatch', 'rework', 'approve_extension', 'resume')
),
ev AS (
    SELECT x.* FROM cand CROSS JOIN LATERAL (
        SELECT e.case_id, e.seq, e.action, e.to_status, e.recorded_at, e.handling_due_at
        FROM enforcement_caseevent e WHERE e.case_id = cand.case_id AND e.recorded_at < %(end)s OFFSET 0) x
),
per AS (
    SELECT case_id, MAX(seq) AS last_seq,
           MAX(CASE WHEN action IN ('dispatch', 'rework', 'approve_extension', 'resume', 'suspend', 'return')
                    THEN seq END) AS dl_seq
    FROM ev GROUP BY case_id
),
facts AS (
    SELECT ev.case_id, c.street_id,
           MAX(CASE WHEN ev.seq = per.last_seq THEN ev.to_status END) AS status,
           MAX(CASE WHEN ev.seq = per.dl_seq AND (ev.action IN ('dispatch', 'rework', 'approve_extension')
                                                 OR (ev.action = 'resume' AND ev.to_status = 'dispatched'))
                    THEN ev.handling_due_at END) AS deadline,
           MIN(CASE WHEN ev.action = 'handle' AND ev.seq > per.dl_seq THEN ev.recorded_at END) AS handle_at,
           BOOL_OR(ev.action = 'rework') AS reworked,
           BOOL_OR(ev.action = 'approve_extension') AS extended,
           BOOL_OR(ev.action = 'close' AND ev.recorded_at >= %(start)s) AS closed
    FROM ev JOIN per ON per.case_id = ev.case_id JOIN enforcement_case c ON c.id = ev.case_id
    WHERE NOT c.self_handled
    GROUP BY ev.case_id, c.street_id
),
judged AS (
    SELECT street_id, closed, reworked, extended,
           closed AND handle_at <= deadline AS on_time,
           NOT closed AND deadline >= %(start)s AND deadline < %(end)s AND handle_at IS NULL
               AND status <> 'suspended' AS overdue
    FROM facts WHERE status <> 'rejected'
),
counts AS (
    SELECT street_id,
           COUNT(*) FILTER (WHERE closed) AS closed_count,
           COUNT(*) FILTER (WHERE on_time) AS closed_on_time_count,
           COUNT(*) FILTER (WHERE overdue) AS overdue_count,
           COUNT(*) FILTER (WHERE (closed OR overdue) AND reworked) AS reworked,
           COUNT(*) FILTER (WHERE (closed OR overdue) AND extended) AS extended
    FROM judged GROUP BY street_id
),
bcand AS (
    SELECT DISTINCT e.case_id FROM enforcement_caseevent e
    WHERE e.handling_due_at >= %(wstart)s AND e.handling_due_at < %(wend)s
      AND e.action IN ('dispatch', 'rework', 'approve_extension', 'resume')
),
setting AS (
    SELECT e.case_id, e.seq, e.action, e.to_status, e.recorded_at, e.handling_due_at,
           LEAD(e.recorded_at) OVER (PARTITION BY e.case_id ORDER BY e.seq) AS next_recorded_at
    FROM enforcement_caseevent e JOIN bcand ON bcand.case_id = e.case_id
    WHERE e.action IN ('dispatch', 'rework', 'approve_extension', 'resume', 'suspend', 'return')
),
items AS (
    SELECT c.street_id, COUNT(*) AS bulletin_items
    FROM (SELECT s.*, (date_trunc('week', s.handling_due_at AT TIME ZONE 'Asia/Shanghai') + interval '7 days')
                      AT TIME ZONE 'Asia/Shanghai' AS week_end
          FROM setting s) s
    JOIN enforcement_case c ON c.id = s.case_id
    WHERE c.source = 'supervision' AND NOT c.self_handled
      AND (s.action IN ('dispatch', 'rework', 'approve_extension') OR (s.action = 'resume' AND s.to_status = 'dispatched'))
      AND s.handling_due_at >= %(wstart)s AND s.handling_due_at < %(wend)s
      AND s.recorded_at < s.week_end AND (s.next_recorded_at IS NULL OR s.next_recorded_at >= s.week_end)
      AND NOT EXISTS (SELECT 1 FROM enforcement_caseevent h WHERE h.case_id = s.case_id AND h.action = 'handle'
                      AND h.seq > s.seq AND h.recorded_at <= s.handling_due_at)
    GROUP BY c.street_id
),
cells AS (
    SELECT street_id, COUNT(*) AS n FROM grids_gridcell
    WHERE (valid_from IS NULL OR valid_from <= %(last_day)s) AND (valid_to IS NULL OR valid_to >= %(first_day)s)
    GROUP BY street_id
),
covered AS (
    SELECT r.street_id, COUNT(DISTINCT t.gridcell_id) AS n
    FROM inspections_patrolreport r
    JOIN inspections_patrolreport_grid_cells t ON t.patrolreport_id = r.id
    JOIN grids_gridcell g ON g.id = t.gridcell_id AND g.street_id = r.street_id
    WHERE r.source = 'patrol' AND r.date >= %(first_day)s AND r.date <= %(last_day)s AND r.recorded_at < %(end)s
      AND (g.valid_from IS NULL OR g.valid_from <= %(last_day)s) AND (g.valid_to IS NULL OR g.valid_to >= %(first_day)s)
    GROUP BY r.street_id
)
SELECT st.code,
       COALESCE(k.closed_count, 0) + COALESCE(k.overdue_count, 0) AS due_count,
       COALESCE(k.closed_count, 0), COALESCE(k.closed_on_time_count, 0), COALESCE(k.overdue_count, 0),
       CASE WHEN COALESCE(k.closed_count + k.overdue_count, 0) = 0 THEN 1.0
            ELSE k.closed_count::numeric / (k.closed_count + k.overdue_count) END AS close_rate,
       CASE WHEN COALESCE(k.closed_count + k.overdue_count, 0) = 0 THEN 1.0
            ELSE k.closed_on_time_count::numeric / (k.closed_count + k.overdue_count) END AS on_time_close_rate,
       CASE WHEN COALESCE(k.closed_count + k.overdue_count, 0) = 0 THEN 0.0
            ELSE k.reworked::numeric / (k.closed_count + k.overdue_count) END AS rework_rate,
       CASE WHEN COALESCE(k.closed_count + k.overdue_count, 0) = 0 THEN 0.0
            ELSE k.extended::numeric / (k.closed_count + k.overdue_count) END AS extension_rate,
       COALESCE(i.bulletin_items, 0),
       CASE WHEN COALESCE(cl.n, 0) = 0 THEN 0.0 ELSE COALESCE(cv.n, 0)::numeric / cl.n END AS patrol_coverage
FROM grids_street st
LEFT JOIN counts k ON k.street_id = st.id
LEFT JOIN items i ON i.street_id = st.id
LEFT JOIN cells cl ON cl.street_id = st.id
LEFT JOIN covered cv ON cv.street_id = st.id
ORDER BY st.code
"""
COLUMNS = ["due_count", "closed_count", "closed_on_time_count", "overdue_count", "close_rate", "on_time_close_rate",
           "rework_rate", "extension_rate", "bulletin_items", "patrol_coverage"]


def floor_indicators(cursor, period) -> dict:
    """street code -> indicators, by the one statement (PostgreSQL)."""
    weeks = period.weeks_ending_in()
    cursor.execute("SET jit = off")  # the same session settings the compile uses
    cursor.execute("SET work_mem = '64MB'")
    cursor.execute(FLOOR_SQL, {
        "start": period.start, "end": period.end, "wstart": weeks[0].start if weeks else period.start,
        "wend": weeks[-1].end if weeks else period.start, "first_day": period.first_day,
        "last_day": period.last_day,
    })
    out = {}
    for row in cursor.fetchall():
        values = dict(zip(COLUMNS, row[1:], strict=True))
        for key in ("close_rate", "on_time_close_rate", "rework_rate", "extension_rate", "patrol_coverage"):
            # half up, as the product rounds (inspections/scoring.py); round() halves to even: 1/32 gave 0.0312
            values[key] = float(Decimal(str(values[key])).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP))
        out[row[0]] = values
    return out
