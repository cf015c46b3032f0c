//! How times and similar values read on screen.

use platform::time::Millis;

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// `26 Nov 2026, 14:05 UTC` for an RFC 3339 time; the text as given when it is not one; an
/// em dash when empty.
pub fn time(rfc3339: &str) -> String {
    if rfc3339.trim().is_empty() {
        return "—".into();
    }
    let Some(at) = Millis::parse_rfc3339(rfc3339) else {
        return rfc3339.to_string();
    };
    let text = at.to_rfc3339();
    let (date, clock) = text.split_once('T').unwrap_or((&text, ""));
    let mut parts = date.split('-');
    let (year, month, day) = (
        parts.next().unwrap_or(""),
        parts.next().unwrap_or(""),
        parts.next().unwrap_or(""),
    );
    let month = month
        .parse::<usize>()
        .ok()
        .and_then(|m| MONTHS.get(m.wrapping_sub(1)))
        .copied()
        .unwrap_or(month);
    let day = day.trim_start_matches('0');
    format!(
        "{day} {month} {year}, {} UTC",
        clock.get(..5).unwrap_or(clock)
    )
}

#[cfg(test)]
mod tests {
    use super::time;

    #[test]
    fn times_read_as_dates() {
        assert_eq!(time("2026-11-06T14:05:09.123Z"), "6 Nov 2026, 14:05 UTC");
        assert_eq!(time("2026-11-06T15:05:09+01:00"), "6 Nov 2026, 14:05 UTC");
        assert_eq!(time("yesterday"), "yesterday");
        assert_eq!(time(""), "—");
    }
}
