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

/// A count with thousands separated: `100,000`.
pub fn count(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

/// A span of time in the largest sensible units: `850 ms`, `42 s`, `3 min 5 s`, `2 h 10 min`,
/// `3 d 4 h`.
pub fn duration(ms: i64) -> String {
    let ms = ms.max(0);
    let seconds = ms / 1000;
    let (minutes, hours, days) = (seconds / 60, seconds / 3600, seconds / 86_400);
    if ms < 1000 {
        format!("{ms} ms")
    } else if seconds < 60 {
        format!("{seconds} s")
    } else if minutes < 60 {
        format!("{minutes} min {} s", seconds % 60)
    } else if hours < 24 {
        format!("{hours} h {} min", minutes % 60)
    } else {
        format!("{days} d {} h", hours % 24)
    }
}

/// The clock time of a browser timestamp (ms), `14:05:09`, in the user's time zone.
pub fn clock(ms: f64) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms));
    format!(
        "{:02}:{:02}:{:02}",
        date.get_hours(),
        date.get_minutes(),
        date.get_seconds()
    )
}

#[cfg(test)]
mod tests {
    use super::{count, duration, time};

    #[test]
    fn counts_have_thousands_separated() {
        assert_eq!(count(0), "0");
        assert_eq!(count(999), "999");
        assert_eq!(count(1_000), "1,000");
        assert_eq!(count(100_000), "100,000");
        assert_eq!(count(1_234_567), "1,234,567");
    }

    #[test]
    fn durations_read_in_large_units() {
        assert_eq!(duration(850), "850 ms");
        assert_eq!(duration(42_000), "42 s");
        assert_eq!(duration(185_000), "3 min 5 s");
        assert_eq!(duration(7_800_000), "2 h 10 min");
        assert_eq!(duration(273_600_000), "3 d 4 h");
        assert_eq!(duration(-5), "0 ms");
    }

    #[test]
    fn times_read_as_dates() {
        assert_eq!(time("2026-11-06T14:05:09.123Z"), "6 Nov 2026, 14:05 UTC");
        assert_eq!(time("2026-11-06T15:05:09+01:00"), "6 Nov 2026, 14:05 UTC");
        assert_eq!(time("yesterday"), "yesterday");
        assert_eq!(time(""), "—");
    }
}
