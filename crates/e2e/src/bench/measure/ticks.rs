//! Poll ticks with 1,000 deployments in a whole list: one that changes nothing, and one where
//! 100 change phase (the console shows those of them in its window: about two).

use std::time::Duration;

use platform::wire::Deployment;
use serde_json::{Map, Value, json};

use super::{Bench, Breakdown, RUN_TIMEOUT_MS, Samples, Side};
use crate::bench::report::{Met, Row};
use crate::bench::{data, probe};

impl Bench {
    /// Flips the phase of every tenth row (another tenth each run) at the server; returns the
    /// phase each flipped row should show.
    fn flip(&mut self, count: usize) -> Map<String, Value> {
        let mut items: Vec<Deployment> = self.server.items();
        let step = (items.len() / count.max(1)).max(1);
        let offset = self.flips % step;
        self.flips += 1;
        let mut expect = Map::new();
        for d in items.iter_mut().skip(offset).step_by(step).take(count) {
            d.phase = data::flipped(&d.phase);
            expect.insert(d.deployment_id.clone(), json!(d.phase.label()));
        }
        self.server.set_items(items);
        expect
    }

    /// Measure 3: Poll ticks with 1,000 deployments: one that changes nothing, and one where 100
    /// change phase (every tenth: about two of them in the console's window, all 100 in the
    /// baseline's table).
    pub async fn ticks(&mut self) {
        eprintln!("bench: poll ticks with 1,000 rows");
        let n = 1_000;
        self.server.set_items(data::deployments(n));
        let mut changed = Samples::default();
        let mut steps = Breakdown::default();
        let mut quiet_steps = Breakdown::default();
        // Per side: the most records a no-change tick made (table, rest of the page), the
        // records of the changing ticks, requests per tick at the server.
        let mut quiet: [Vec<Value>; 2] = Default::default();
        let mut loud: [Vec<Value>; 2] = Default::default();
        let mut requests: [Vec<usize>; 2] = Default::default();
        for _block in 0..2 {
            for side in Side::BOTH {
                self.open(match side {
                    Side::Console => "/deployments",
                    Side::Baseline => "/bench/baseline.html?auto",
                })
                .await;
                self.wait_rows(side, n).await;
                tokio::time::sleep(Duration::from_millis(500)).await;
                for _ in 0..2 {
                    let before = self.server.list_requests();
                    let result = self.tick(None).await;
                    quiet_steps.push("answer received", side, result["received"].as_f64());
                    quiet_steps.push("long tasks", side, result["busy"].as_f64());
                    requests[side.index()].push(self.server.list_requests() - before);
                    quiet[side.index()].push(result);
                }
                for run in 0..self.settings.warmup + self.per_block() {
                    let expect = self.flip(100);
                    let before = self.server.list_requests();
                    let result = self.tick(Some(expect)).await;
                    requests[side.index()].push(self.server.list_requests() - before);
                    if run >= self.settings.warmup {
                        changed.push(side, result["changed"].as_f64().unwrap_or(f64::NAN));
                        steps.push("answer received", side, result["received"].as_f64());
                        steps.push("changed rows shown", side, result["changed"].as_f64());
                        steps.push("long tasks", side, result["busy"].as_f64());
                    }
                    loud[side.index()].push(result);
                }
            }
        }
        let most = |results: &[Value], key: &str| {
            results
                .iter()
                .map(|r| r[key].as_u64().unwrap_or(u64::MAX))
                .max()
                .unwrap_or(0)
        };
        let (c, b) = (Side::Console.index(), Side::Baseline.index());
        let quiet_console = most(&quiet[c], "table");
        self.report.rows.push(Row {
            measure: "Poll tick, nothing changed (1,000 rows): DOM mutations in the table".into(),
            console: format!(
                "{quiet_console} (rest of the page: {})",
                most(&quiet[c], "outside")
            ),
            baseline: format!(
                "{} (rest of the page: {})",
                most(&quiet[b], "table"),
                most(&quiet[b], "outside")
            ),
            ratio: "—".into(),
            target: "0".into(),
            met: Met::when(quiet_console == 0),
        });
        let per_tick = |results: &[Value]| {
            let mean = |key: &str| {
                results
                    .iter()
                    .map(|r| r[key].as_u64().unwrap_or(0))
                    .sum::<u64>() as f64
                    / results.len().max(1) as f64
            };
            (
                mean("watched"),
                mean("table"),
                mean("expectedPhase"),
                mean("expectedOther"),
                mean("otherRows"),
            )
        };
        let (watched, total, phase, other_cells, other_rows) = per_tick(&loud[c]);
        let describe = |(watched, total, phase, other_cells, other_rows): (
            f64,
            f64,
            f64,
            f64,
            f64,
        )| {
            format!(
                "{total:.0} per tick ({watched:.0} changed rows in the DOM): {phase:.0} in the phase \
                 cells, {other_cells:.0} elsewhere in those rows, {other_rows:.0} in other rows"
            )
        };
        self.report.rows.push(Row {
            measure: "Poll tick, 100 of 1,000 change phase: DOM mutations".into(),
            console: describe((watched, total, phase, other_cells, other_rows)),
            baseline: describe(per_tick(&loud[b])),
            ratio: "—".into(),
            target: "only in the changed rows in the DOM".into(),
            met: Met::when(other_rows == 0.0 && total > 0.0 && watched > 0.0),
        });
        self.report.rows.push(changed.row(
            "Poll tick, 100 of 1,000 change phase: trigger → the changed rows in the DOM show it \
             (console: those in view; baseline: all 100)",
            Some(1.2),
        ));
        self.report.notes.push(changed.note(
            "Poll tick with 100 changes (trigger: an `online` event; both pages fetch at once on it)",
        ));
        self.report
            .notes
            .push(steps.note("Poll tick with 100 changes, ms after the trigger"));
        self.report.notes.push(quiet_steps.note(
            "Poll tick with no change, ms after the trigger (long tasks: main-thread tasks over \
             50 ms, summed)",
        ));
        for side in Side::BOTH {
            let i = side.index();
            let all: Vec<&Value> = quiet[i].iter().chain(loud[i].iter()).collect();
            let mut kinds = Map::new();
            for result in &all {
                if let Some(map) = result["kinds"].as_object() {
                    for (kind, count) in map {
                        let sum = kinds.get(kind).and_then(Value::as_u64).unwrap_or(0)
                            + count.as_u64().unwrap_or(0);
                        kinds.insert(kind.clone(), json!(sum));
                    }
                }
            }
            let kinds: Vec<String> = kinds
                .iter()
                .map(|(kind, count)| format!("{kind} ×{count}"))
                .collect();
            let errors: Vec<&str> = all.iter().filter_map(|r| r["error"].as_str()).collect();
            self.report.notes.push(format!(
                "- Poll ticks, {}: requests at the server per tick {:?}; mutation records over all {} ticks: {}{}",
                side.name(),
                requests[i],
                all.len(),
                if kinds.is_empty() {
                    "none".into()
                } else {
                    kinds.join(", ")
                },
                if errors.is_empty() {
                    String::new()
                } else {
                    format!("; errors: {}", errors.join(", "))
                }
            ));
        }
    }

    /// One poll tick (see [`probe::tick`]).
    async fn tick(&self, expect: Option<Map<String, Value>>) -> Value {
        let expect = expect.map_or(Value::Null, Value::Object);
        let settle = if expect.is_null() { 600 } else { 300 };
        self.exec_async(
            &probe::tick(),
            vec![expect, json!(settle), json!(RUN_TIMEOUT_MS)],
        )
        .await
    }
}
