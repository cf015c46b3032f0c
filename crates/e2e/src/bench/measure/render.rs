//! A click → the first rows painted, against the bench's server, which answers whole lists: the
//! console decodes the whole list, filters and sorts it in the browser and makes the rows in
//! view; the baseline builds every row.

use super::{Bench, Breakdown, Samples, Side};
use crate::bench::data;
use crate::bench::report::group;

/// The figures before the windowed table (the console built every row then): n, console ms,
/// baseline ms, as the report of that time said.
const BEFORE_WINDOWING: [(usize, f64, f64); 2] = [(1_000, 676.0, 165.0), (10_000, 3_156.0, 685.0)];

impl Bench {
    /// Measure 2: From a click to the first rows: the console navigating to its list (the rows
    /// in view), the baseline fetching and building the whole table; met when the console's
    /// median to the painted frame is at most `target` times the baseline's.
    pub async fn render(&mut self, n: usize, target: f64) {
        eprintln!("bench: render a list of {n}");
        self.server.set_items(data::deployments(n));
        let (mut dom, mut frame) = (Samples::default(), Samples::default());
        let mut steps = Breakdown::default();
        // Every run, warm-up included: a cost that grows with visits shows here.
        let mut leaving = Samples::default();
        for _block in 0..2 {
            for side in Side::BOTH {
                let go = self.open_before_table(side).await;
                for run in 0..self.settings.warmup + self.per_block() {
                    self.collect_garbage().await;
                    let result = self.render_once(side, go, n).await;
                    let gone = self.leave_table(side).await;
                    leaving.push(side, gone.unwrap_or(f64::NAN));
                    eprintln!(
                        "bench:   {} run {run}: {} rows in {} ms, frame {} ms, left in {} ms",
                        side.name(),
                        result["rows"],
                        result["dom"],
                        result["frame"],
                        gone.unwrap_or(f64::NAN)
                    );
                    if run >= self.settings.warmup {
                        dom.push(side, result["dom"].as_f64().unwrap_or(f64::NAN));
                        frame.push(side, result["frame"].as_f64().unwrap_or(f64::NAN));
                        steps.push("list requested", side, result["requested"].as_f64());
                        steps.push("answer received", side, result["received"].as_f64());
                        steps.push("rows in the DOM", side, result["dom"].as_f64());
                        steps.push("next frame", side, result["frame"].as_f64());
                        steps.push("(then leaving: table gone after)", side, gone);
                    }
                }
            }
        }
        let label = group(n, ',');
        self.report.rows.push(frame.row(
            &format!(
                "Render, whole list of {label}: click → first rows painted (console: the rows in \
                 view; baseline: all {label})"
            ),
            Some(target),
        ));
        self.report.rows.push(dom.row(
            &format!("Render, whole list of {label}: click → those rows in the DOM"),
            None,
        ));
        self.report
            .notes
            .push(frame.note(&format!("Render {label}, to the painted frame")));
        self.report
            .notes
            .push(dom.note(&format!("Render {label}, to the DOM")));
        self.report
            .notes
            .push(steps.note(&format!("Render {label}, ms after the click")));
        if let Some((_, console, baseline)) = BEFORE_WINDOWING.iter().find(|(m, ..)| *m == n) {
            self.report.notes.push(format!(
                "- Render {label} before the windowed table (the console built all {label} rows): \
                 console {console:.0} ms, baseline {baseline:.0} ms ({:.1}×)",
                console / baseline
            ));
        }
        self.report.notes.push(leaving.note(&format!(
            "Leaving the list of {label} after each run, warm-up runs included, in run order \
             (each block starts from a fresh page load)"
        )));
    }
}
