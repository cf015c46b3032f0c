//! Wave arithmetic: a rollout's waves are cumulative shares of its targets (`[1, "10%",
//! "100%"]`: one device first, the canary, then up to a tenth, then all). Counts round up, every
//! wave starts at least one target more than the one before (while targets are left), and a
//! wave that would start nothing is dropped, so every target is in exactly one wave.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Most waves a rollout may have.
pub const MAX_WAVES: usize = 10;

/// How far a wave reaches: a number of targets, or a share of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wave {
    /// Up to this many targets in all (this wave and those before it).
    Count(u32),
    /// Up to this percentage of the targets in all, rounded up (1–100).
    Percent(u8),
}

impl Wave {
    /// How many targets of `total` the waves up to this one reach, before the at-least-one
    /// rule.
    fn reach(self, total: usize) -> usize {
        match self {
            Wave::Count(count) => (count as usize).min(total),
            Wave::Percent(percent) => (total * usize::from(percent)).div_ceil(100),
        }
    }
}

impl fmt::Display for Wave {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Wave::Count(count) => write!(f, "{count}"),
            Wave::Percent(percent) => write!(f, "{percent}%"),
        }
    }
}

impl Serialize for Wave {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Wave::Count(count) => serializer.serialize_u32(*count),
            Wave::Percent(_) => serializer.serialize_str(&self.to_string()),
        }
    }
}

impl<'de> Deserialize<'de> for Wave {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Wave, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Count(u64),
            Text(String),
        }
        match Raw::deserialize(deserializer)? {
            Raw::Count(count) => u32::try_from(count)
                .map(Wave::Count)
                .map_err(|_| serde::de::Error::custom("a wave of too many devices")),
            Raw::Text(text) => parse(&text).map_err(serde::de::Error::custom),
        }
    }
}

/// A wave written as text: `"10%"` or `"5"`.
pub fn parse(text: &str) -> Result<Wave, String> {
    let text = text.trim();
    let bad =
        || format!("\"{text}\" is not a wave: write a number of devices (5) or a share (10%).");
    match text.strip_suffix('%') {
        Some(number) => number
            .trim()
            .parse::<u8>()
            .map(Wave::Percent)
            .map_err(|_| bad()),
        None => text.parse::<u32>().map(Wave::Count).map_err(|_| bad()),
    }
}

/// What is wrong with `waves`, as a sentence (none: they are usable).
pub fn waves_error(waves: &[Wave]) -> Option<String> {
    if waves.is_empty() {
        return Some("Add at least one wave; the last one is 100%.".into());
    }
    if waves.len() > MAX_WAVES {
        return Some(format!("A rollout has at most {MAX_WAVES} waves."));
    }
    for wave in waves {
        match *wave {
            Wave::Count(0) | Wave::Percent(0) => {
                return Some("Each wave starts at least one device: 0 is not a wave.".into());
            }
            Wave::Percent(p) if p > 100 => {
                return Some(format!("{p}% is more than every device; the most is 100%."));
            }
            _ => {}
        }
    }
    if waves.last() != Some(&Wave::Percent(100)) {
        return Some(
            "The last wave must be 100%, so every matching device gets the package.".into(),
        );
    }
    None
}

/// How many targets of `total` the rollout has started once each wave has started: strictly
/// increasing, ending at `total` (empty when there are no targets). Usable `waves` only
/// ([`waves_error`] is `None`).
pub fn wave_ends(waves: &[Wave], total: usize) -> Vec<usize> {
    let mut ends: Vec<usize> = Vec::new();
    for (i, wave) in waves.iter().enumerate() {
        let before = ends.last().copied().unwrap_or(0);
        if before >= total {
            break;
        }
        let last = i + 1 == waves.len();
        let reach = if last { total } else { wave.reach(total) };
        ends.push(reach.max(before + 1).min(total));
    }
    ends
}

/// The wave (from 1) of each of `total` targets, in target order.
pub fn assign(waves: &[Wave], total: usize) -> Vec<u32> {
    let mut assigned = Vec::with_capacity(total);
    for (number, end) in (1u32..).zip(wave_ends(waves, total)) {
        assigned.resize(end, number);
    }
    assigned
}

#[cfg(test)]
mod tests {
    use super::*;

    fn default_waves() -> Vec<Wave> {
        vec![Wave::Count(1), Wave::Percent(10), Wave::Percent(100)]
    }

    #[test]
    fn the_default_waves_are_a_canary_a_tenth_then_all() {
        assert_eq!(wave_ends(&default_waves(), 24), [1, 3, 24]);
        assert_eq!(wave_ends(&default_waves(), 100), [1, 10, 100]);
        // Rounding up, and at least one more each wave.
        assert_eq!(wave_ends(&default_waves(), 3), [1, 2, 3]);
        assert_eq!(wave_ends(&default_waves(), 1), [1]);
        assert_eq!(wave_ends(&default_waves(), 0), Vec::<usize>::new());
        assert_eq!(assign(&default_waves(), 5), [1, 2, 3, 3, 3]);
    }

    #[test]
    fn waves_read_from_numbers_and_shares() {
        let waves: Vec<Wave> = serde_json::from_str(r#"[1, "10%", " 50 % ", "100%"]"#).unwrap();
        assert_eq!(
            waves,
            [
                Wave::Count(1),
                Wave::Percent(10),
                Wave::Percent(50),
                Wave::Percent(100)
            ]
        );
        assert_eq!(
            serde_json::to_string(&waves).unwrap(),
            r#"[1,"10%","50%","100%"]"#
        );
        for bad in [
            r#"["ten"]"#,
            r#"["%"]"#,
            r#"[-1]"#,
            r#"["300%"]"#,
            r#"[1.5]"#,
        ] {
            assert!(serde_json::from_str::<Vec<Wave>>(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn unusable_waves_are_refused_with_a_sentence() {
        assert!(waves_error(&default_waves()).is_none());
        for bad in [
            vec![],
            vec![Wave::Count(0), Wave::Percent(100)],
            vec![Wave::Percent(0), Wave::Percent(100)],
            vec![Wave::Percent(101)],
            vec![Wave::Count(1), Wave::Percent(50)],
            vec![Wave::Percent(100); MAX_WAVES + 1],
        ] {
            assert!(waves_error(&bad).is_some(), "{bad:?}");
        }
    }
}
