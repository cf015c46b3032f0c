//! The figures of `make bench-backend`, each a ratio within one run or a plain report.

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use serde_json::Value;

use super::{Backend, Setup, sqlite_bytes};

/// The 50-item pages measured at 1,000 and 100,000 deployments.
const PAGES: [(&str, &str); 4] = [
    ("no filter", "/api/v1/deployments?limit=50"),
    (
        "label site:osaka",
        "/api/v1/deployments?limit=50&label=site:osaka",
    ),
    (
        "search \"osaka\"",
        "/api/v1/deployments?limit=50&search=osaka",
    ),
    (
        "search \"amr-00042\" (one robot)",
        "/api/v1/deployments?limit=50&search=amr-00042",
    ),
];

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// The median and 95th percentile.
fn percentiles(mut samples: Vec<Duration>) -> (Duration, Duration) {
    samples.sort();
    let at = |q: f64| {
        samples
            .get(((samples.len().saturating_sub(1)) as f64 * q).round() as usize)
            .copied()
            .unwrap_or_default()
    };
    (at(0.5), at(0.95))
}

async fn timed(method: &str, url: &str, body: Option<&str>) -> (Duration, u16, String) {
    let started = Instant::now();
    let (status, text) = crate::http(method, url, body).await;
    (started.elapsed(), status, text)
}

/// A page's first (cold) time, then its median and p95 over `samples`.
async fn page(backend: &Backend, path: &str, samples: usize) -> (Duration, Duration, Duration) {
    let (cold, status, _) = timed("GET", &backend.url(path), None).await;
    assert_eq!(status, 200, "{path}");
    let mut times = Vec::with_capacity(samples);
    for _ in 0..samples {
        times.push(timed("GET", &backend.url(path), None).await.0);
    }
    let (p50, p95) = percentiles(times);
    (cold, p50, p95)
}

fn web(name: &str) -> String {
    serde_json::json!({"name": name, "packageId": "pkg-fleet-dashboard", "planId": "plan-fleet-dashboard"}).to_string()
}

/// Creates `count` deployments one after another (on the backends in turn); their times.
async fn creates(backends: &[&Backend], prefix: &str, count: usize) -> Vec<Duration> {
    let mut times = Vec::with_capacity(count);
    for i in 0..count {
        let backend = backends[i % backends.len()];
        let (time, status, text) = timed(
            "POST",
            &backend.url("/api/v1/deployments"),
            Some(&web(&format!("{prefix}-{i}"))),
        )
        .await;
        assert_eq!(status, 201, "{text}");
        times.push(time);
    }
    times
}

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or(Value::Null)
}

fn row(out: &mut String, cells: &[String]) {
    let _ = writeln!(out, "| {} |", cells.join(" | "));
}

fn ratio(big: Duration, small: Duration) -> String {
    format!("{:.2}×", big.as_secs_f64() / small.as_secs_f64().max(1e-9))
}

/// Page and create figures for one kind of store: `small` (the seeded world only), `thousand`
/// and `fleet` (100,000) backends.
async fn scale_figures(
    out: &mut String,
    small: &[&Backend],
    thousand: &[&Backend],
    fleet: &[&Backend],
    samples: usize,
) {
    let _ = writeln!(
        out,
        "| 50-item page | 1,000: cold / p50 / p95 ms | 100,000: cold / p50 / p95 ms | p50 ratio (target ≤ 1.5×) |"
    );
    let _ = writeln!(out, "|---|---|---|---|");
    for (label, path) in PAGES {
        let (c1, a1, b1) = page(thousand[0], path, samples).await;
        let (c2, a2, b2) = page(fleet[fleet.len() - 1], path, samples).await;
        row(
            out,
            &[
                label.to_string(),
                format!("{:.1} / {:.2} / {:.2}", ms(c1), ms(a1), ms(b1)),
                format!("{:.1} / {:.2} / {:.2}", ms(c2), ms(a2), ms(b2)),
                ratio(a2, a1),
            ],
        );
    }
    let (e50, e95) = percentiles(creates(small, "bench-empty", samples).await);
    let (f50, f95) = percentiles(creates(fleet, "bench-fleet", samples).await);
    let _ = writeln!(out, "\n| Create | p50 ms | p95 ms |\n|---|---|---|");
    row(
        out,
        &[
            "with 0 (the seeded 8)".into(),
            format!("{:.2}", ms(e50)),
            format!("{:.2}", ms(e95)),
        ],
    );
    row(
        out,
        &[
            "with 100,000".into(),
            format!("{:.2}", ms(f50)),
            format!("{:.2}", ms(f95)),
        ],
    );
    let _ = writeln!(
        out,
        "\nCreate p50 ratio: **{}** (target ≤ 1.5×).\n",
        ratio(f50, e50)
    );
}

/// Every figure; the Markdown report.
pub async fn run(setup: &Setup) -> String {
    let mut out = String::from("# Reference backend at fleet scale\n\n");
    let _ = writeln!(
        out,
        "Release `rio-backend`, one request at a time over loopback, {} samples a figure; the machine's 2 cores shared with the client.\n",
        setup.samples
    );

    // ---- SQLite ----
    let small_store = setup.sqlite("small.db");
    let thousand_store = setup.sqlite("thousand.db");
    let fleet_store = setup.sqlite("fleet.db");
    setup.seed(&thousand_store, 1_000, 100);
    let seeding = setup.seed(&fleet_store, 100_000, 1_000);
    let fleet_path = setup.dir.join("fleet.db");
    let _ = writeln!(
        out,
        "## SQLite\n\n`seed-fleet --deployments 100000 --devices 1000` took {:.1} s; the database is {:.0} MB.\n",
        seeding.as_secs_f64(),
        sqlite_bytes(&fleet_path) as f64 / 1e6
    );
    let (small, _) = setup.start(&small_store).await;
    let (thousand, _) = setup.start(&thousand_store).await;
    let (fleet, _) = setup.start(&fleet_store).await;
    scale_figures(&mut out, &[&small], &[&thousand], &[&fleet], setup.samples).await;

    // The change feed after 100 changes.
    let (_, _, first) = timed("GET", &fleet.url("/api/v1/deployments?limit=50"), None).await;
    let version = json(&first)["resourceVersion"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    creates(&[&fleet], "bench-feed", 100).await;
    let (_, status, changes) = timed(
        "GET",
        &fleet.url(&format!("/api/v1/deployments?since={version}")),
        None,
    )
    .await;
    let changes_json = json(&changes);
    let _ = writeln!(
        out,
        "A `since=` poll after 100 creates (status {status}): {} items, {} deleted, {} bytes; a 50-item page is {} bytes, the whole list would be about {:.0} MB.\n",
        changes_json["items"].as_array().map_or(0, Vec::len),
        changes_json["deleted"].as_array().map_or(0, Vec::len),
        changes.len(),
        first.len(),
        first.len() as f64 / 50.0 * 100_000.0 / 1e6
    );

    // Restart to the first answer.
    drop(fleet);
    let (fleet, restart) = setup.start(&fleet_store).await;
    let _ = writeln!(
        out,
        "Restart with 100,000 deployments to the first 50-item page answered: **{:.0} ms** (target under 1 s).\n",
        ms(restart)
    );
    drop(fleet);
    drop(small);

    // Growth while idle, with a console polling.
    let thousand_path = setup.dir.join("thousand.db");
    let before = sqlite_bytes(&thousand_path);
    let (_, _, text) = timed("GET", &thousand.url("/api/v1/deployments?limit=50"), None).await;
    let first_version = json(&text)["resourceVersion"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let some = json(&text)["items"][0]["deploymentId"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let started = Instant::now();
    let mut polls = 0;
    while started.elapsed() < setup.idle {
        for path in [
            "/api/v1/deployments?limit=50".to_string(),
            format!("/api/v1/deployments?since={first_version}"),
            format!("/api/v1/deployments/{some}/logs"),
        ] {
            let _ = crate::http("GET", &thousand.url(&path), None).await;
        }
        polls += 1;
        tokio::time::sleep(Duration::from_secs(5)).await;
    }
    let (_, _, text) = timed("GET", &thousand.url("/api/v1/deployments?limit=50"), None).await;
    let last_version = json(&text)["resourceVersion"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let after = sqlite_bytes(&thousand_path);
    let _ = writeln!(
        out,
        "Idle for {:.0} min with 1,000 deployments (a console polling a page, the change feed and one deployment's logs every 5 s, {polls} times): the database went from {before} to {after} bytes (**{:+} bytes**, target 0); resourceVersion {first_version} → {last_version}.\n",
        setup.idle.as_secs_f64() / 60.0,
        after as i64 - before as i64
    );
    drop(thousand);

    // ---- PostgreSQL ----
    let (Some(pg_small), Some(pg_thousand), Some(pg_fleet)) = (
        setup.postgres("bench_small"),
        setup.postgres("bench_thousand"),
        setup.postgres("bench_fleet"),
    ) else {
        out.push_str("## PostgreSQL\n\nNo PostgreSQL server: not measured.\n");
        return out;
    };
    setup.seed(&pg_thousand, 1_000, 100);
    let seeding = setup.seed(&pg_fleet, 100_000, 1_000);
    let _ = writeln!(
        out,
        "## PostgreSQL, two backend processes on one database\n\n`seed-fleet` of 100,000 took {:.1} s. Pages are read from the second process; creates go to each process in turn.\n",
        seeding.as_secs_f64()
    );
    let (small_a, _) = setup.start(&pg_small).await;
    let (small_b, _) = setup.start(&pg_small).await;
    let (thousand_a, _) = setup.start(&pg_thousand).await;
    let (fleet_a, _) = setup.start(&pg_fleet).await;
    let (fleet_b, _) = setup.start(&pg_fleet).await;
    scale_figures(
        &mut out,
        &[&small_a, &small_b],
        &[&thousand_a],
        &[&fleet_a, &fleet_b],
        setup.samples,
    )
    .await;

    // Twenty concurrent updates over the two processes.
    let (_, _, text) = timed(
        "GET",
        &fleet_a.url("/api/v1/deployments?limit=1&phase=Succeeded&packageId=pkg-fleet-dashboard"),
        None,
    )
    .await;
    let target = &json(&text)["items"][0];
    let id = target["deploymentId"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let body = serde_json::json!({"expectedGeneration": target["currentGeneration"], "components": ["comp-dashboard-web"]}).to_string();
    let updates: Vec<_> = (0..20)
        .map(|i| {
            let url = if i % 2 == 0 { &fleet_a } else { &fleet_b }
                .url(&format!("/api/v1/deployments/{id}"));
            let body = body.clone();
            tokio::spawn(async move { crate::http("PATCH", &url, Some(&body)).await.0 })
        })
        .collect();
    let mut statuses = Vec::new();
    for update in updates {
        statuses.push(update.await.unwrap_or(0));
    }
    let count = |code: u16| statuses.iter().filter(|s| **s == code).count();
    let _ = writeln!(
        out,
        "20 concurrent updates of one deployment, alternating between the processes: **{} × 202, {} × 409** (target 1 and 19).\n",
        count(202),
        count(409)
    );
    out
}
