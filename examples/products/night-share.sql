-- name: night-share
-- version: 1.0.0
-- title: Night-time share of electricity
-- description: Share of a facility's mains electricity used between 00:00 and 05:00 local time (from the hourly rollups); a flat load gives 21 %, a home sleeping at night less, a night shift or a 24/7 process more. Score = that share in percent.
SELECT f.id AS facility_id,
  100.0 * SUM(CASE WHEN CAST(substr(r.label, 12, 2) AS INTEGER) < 5 THEN r.energy ELSE 0 END) / NULLIF(SUM(r.energy), 0) AS score,
  CASE
    WHEN SUM(CASE WHEN CAST(substr(r.label, 12, 2) AS INTEGER) < 5 THEN r.energy ELSE 0 END) > 0.3 * SUM(r.energy) THEN 'night-heavy'
    ELSE 'day-heavy'
  END AS label,
  'Share of mains energy used 00-05 local time over ' || COUNT(DISTINCT substr(r.label, 1, 10)) || ' day(s)' AS explanation
FROM scope_facilities s
JOIN facilities f ON f.id = s.id
JOIN meters m ON m.facility_id = f.id AND m.service_type = 'electricity'
JOIN channels c ON c.meter_id = m.id AND c.is_mains
JOIN rollups_hour r ON r.channel_key = c.key
GROUP BY f.id
