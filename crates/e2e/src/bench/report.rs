//! The bench's Markdown report: a header with the environment, one table (Measure | Console |
//! Baseline | Ratio | Target | Met), then notes with the runs behind each figure, then sections
//! of their own (the size breakdown).

/// Whether a figure meets its target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Met {
    /// Met.
    Yes,
    /// Not met.
    No,
    /// Reported only, no target.
    Info,
}

impl Met {
    /// Met when `ok`.
    pub fn when(ok: bool) -> Met {
        if ok { Met::Yes } else { Met::No }
    }

    fn text(self) -> &'static str {
        match self {
            Met::Yes => "met",
            Met::No => "**not met**",
            Met::Info => "—",
        }
    }
}

/// One row of the table.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// What is measured.
    pub measure: String,
    /// The console's figure.
    pub console: String,
    /// The baseline's figure ("—" when there is none).
    pub baseline: String,
    /// Console ÷ baseline ("—" when it means nothing).
    pub ratio: String,
    /// The target.
    pub target: String,
    /// Met or not.
    pub met: Met,
}

impl Row {
    /// A row without a baseline (the console alone against its target).
    pub fn alone(measure: &str, console: String, target: &str, met: Met) -> Row {
        Row {
            measure: measure.to_string(),
            console,
            baseline: "—".into(),
            ratio: "—".into(),
            target: target.to_string(),
            met,
        }
    }
}

/// The whole report.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// Lines of the header (environment, date, how to reproduce), Markdown.
    pub header: Vec<String>,
    /// The table.
    pub rows: Vec<Row>,
    /// Notes after the table (runs, spreads, what each figure counts), Markdown.
    pub notes: Vec<String>,
    /// Sections after the notes, each Markdown starting with its `##` title.
    pub sections: Vec<String>,
}

impl Report {
    /// Markdown text.
    pub fn markdown(&self) -> String {
        let mut out = String::from("# rio console bench\n\n");
        for line in &self.header {
            out.push_str(line);
            out.push('\n');
        }
        out.push_str("\n| Measure | Console | Baseline | Ratio | Target | Met |\n");
        out.push_str("|---|---:|---:|---:|---|---|\n");
        for row in &self.rows {
            out.push_str(&format!(
                "| {} | {} | {} | {} | {} | {} |\n",
                cell(&row.measure),
                cell(&row.console),
                cell(&row.baseline),
                cell(&row.ratio),
                cell(&row.target),
                row.met.text()
            ));
        }
        let met = self.rows.iter().filter(|r| r.met == Met::Yes).count();
        let judged = self.rows.iter().filter(|r| r.met != Met::Info).count();
        out.push_str(&format!("\n{met} of {judged} targets met.\n"));
        if !self.notes.is_empty() {
            out.push_str("\n## Notes\n\n");
            for note in &self.notes {
                out.push_str(note);
                out.push('\n');
            }
        }
        for section in &self.sections {
            out.push('\n');
            out.push_str(section);
        }
        out
    }
}

fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

/// The median of `samples` (NaN when empty).
pub fn median(samples: &[f64]) -> f64 {
    let mut sorted: Vec<f64> = samples.iter().copied().filter(|x| x.is_finite()).collect();
    sorted.sort_by(f64::total_cmp);
    match sorted.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => sorted[n / 2],
        n => (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0,
    }
}

/// The `q`-quantile of `samples` (0.95: the 95th percentile), nearest rank; NaN when empty.
pub fn percentile(samples: &[f64], q: f64) -> f64 {
    let mut sorted: Vec<f64> = samples.iter().copied().filter(|x| x.is_finite()).collect();
    if sorted.is_empty() {
        return f64::NAN;
    }
    sorted.sort_by(f64::total_cmp);
    let rank = (q.clamp(0.0, 1.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// `0.10 %`: `part` as a share of `whole`, or "n/a".
pub fn percent(part: f64, whole: f64) -> String {
    let r = part / whole * 100.0;
    if r.is_finite() {
        format!("{r:.2} %")
    } else {
        "n/a".into()
    }
}

/// `12.3 ms`.
pub fn ms(value: f64) -> String {
    if value.is_finite() {
        format!("{value:.1} ms")
    } else {
        "n/a".into()
    }
}

/// `1.23×`, or "n/a".
pub fn ratio(console: f64, baseline: f64) -> String {
    let r = console / baseline;
    if r.is_finite() {
        format!("{r:.2}×")
    } else {
        "n/a".into()
    }
}

/// `n` in groups of three digits: `group(10000, ',')` is `10,000`.
pub fn group(n: usize, separator: char) -> String {
    let digits = n.to_string();
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(separator);
        }
        grouped.push(c);
    }
    grouped
}

/// `512.3 KB` (decimal).
pub fn kb(n: usize) -> String {
    format!("{:.1} KB", n as f64 / 1000.0)
}

/// `8.0 MiB` for memory.
pub fn mib(n: f64) -> String {
    if n.is_finite() {
        format!("{:.1} MiB", n / 1_048_576.0)
    } else {
        "n/a".into()
    }
}

/// A sample list for the notes: `min 10.2 / median 11.0 / max 14.9 ms (n=10)`.
pub fn spread(samples: &[f64]) -> String {
    let finite: Vec<f64> = samples.iter().copied().filter(|x| x.is_finite()).collect();
    if finite.is_empty() {
        return "no runs".into();
    }
    let min = finite.iter().copied().fold(f64::INFINITY, f64::min);
    let max = finite.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    format!(
        "min {min:.1} / median {:.1} / max {max:.1} ms (n={})",
        median(&finite),
        finite.len()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians_and_figures() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), 2.5);
        assert!(median(&[]).is_nan());
        assert_eq!(ratio(13.0, 10.0), "1.30×");
        assert_eq!(ratio(1.0, 0.0), "n/a");
        assert_eq!(group(512_345, ' '), "512 345");
        assert_eq!(group(999, ' '), "999");
        assert_eq!(group(10_000, ','), "10,000");
        assert_eq!(kb(572_743), "572.7 KB");
        let frames: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(percentile(&frames, 0.5), 50.0);
        assert_eq!(percentile(&frames, 0.95), 95.0);
        assert_eq!(percentile(&frames, 1.0), 100.0);
        assert_eq!(percentile(&[7.0], 0.95), 7.0);
        assert!(percentile(&[], 0.5).is_nan());
        assert_eq!(percent(1.0, 1_000.0), "0.10 %");
        assert_eq!(percent(1.0, 0.0), "n/a");
        assert_eq!(
            spread(&[2.0, 1.0, 3.0]),
            "min 1.0 / median 2.0 / max 3.0 ms (n=3)"
        );
    }

    #[test]
    fn the_table_has_one_row_a_measure_and_counts_targets() {
        let report = Report {
            header: vec!["Date: today".into()],
            rows: vec![
                Row {
                    measure: "Render | 1,000 rows".into(),
                    console: ms(13.0),
                    baseline: ms(10.0),
                    ratio: ratio(13.0, 10.0),
                    target: "≤ 1.3×".into(),
                    met: Met::when(true),
                },
                Row::alone("Hidden tab", "0 / min".into(), "0", Met::No),
                Row::alone("Memory", mib(8.0 * 1_048_576.0), "report only", Met::Info),
            ],
            notes: vec!["- runs".into()],
            sections: vec!["## Size breakdown\n\n| Crate |\n".into()],
        };
        let text = report.markdown();
        assert!(text.contains("| Measure | Console | Baseline | Ratio | Target | Met |"));
        assert!(
            text.contains("| Render \\| 1,000 rows | 13.0 ms | 10.0 ms | 1.30× | ≤ 1.3× | met |")
        );
        assert!(text.contains("| Hidden tab | 0 / min | — | — | 0 | **not met** |"));
        assert!(text.contains("| 8.0 MiB |"));
        assert!(text.contains("1 of 2 targets met."));
        assert!(text.contains("## Notes\n\n- runs\n"));
        assert!(text.ends_with("- runs\n\n## Size breakdown\n\n| Crate |\n"));
    }
}
