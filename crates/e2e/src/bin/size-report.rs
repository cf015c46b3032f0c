//! Prints the raw, gzip and brotli bytes of what the first page load transfers, then, apart,
//! the demo worker (the second wasm demo mode loads when it starts) and demo mode's total; fails
//! when the first load's gzip total passes the guard (an accident guard, not the performance
//! budget).
//!
//! Usage: `size-report [DIST] [--max-gzip BYTES]` (defaults: `dist/`, 746 000 bytes).

use std::{path::Path, process::ExitCode};

use rio_e2e::size::{FileSize, demo_worker_files, initial_files, line, measure, report, totals};

/// Gzip bytes of the first load: the build's 710,322 once every screen reads what it shows
/// (the device and deployment searches, paged targets, history and preview; 654,080 before,
/// 565,750 before the fleet screens), plus 5 %, so growth shows at once (the bench judges the
/// 400 KB gzip / 300 KB brotli target; pages loaded when opened are the way down).
const DEFAULT_MAX_GZIP: usize = 746_000;

fn main() -> ExitCode {
    let mut dist = rio_e2e::dist_dir();
    let mut max_gzip = DEFAULT_MAX_GZIP;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        if arg == "--max-gzip" {
            match args.next().and_then(|value| value.parse().ok()) {
                Some(value) => max_gzip = value,
                None => {
                    eprintln!("size-report: --max-gzip needs a number of bytes");
                    return ExitCode::from(2);
                }
            }
        } else {
            dist = arg.into();
        }
    }
    let (first, worker) = match read(&dist) {
        Ok(both) => both,
        Err(e) => {
            eprintln!(
                "size-report: cannot read the build in {}: {e}",
                dist.display()
            );
            return ExitCode::FAILURE;
        }
    };
    if !first.iter().any(|size| size.name.ends_with(".wasm")) {
        eprintln!(
            "size-report: {} has no wasm referenced by index.html",
            dist.display()
        );
        return ExitCode::FAILURE;
    }
    print!("Initial load of {}\n{}", dist.display(), report(&first));
    let first_total = totals(&first);
    if worker.is_empty() {
        println!("\nno demo worker in this build");
    } else {
        print!(
            "\nDemo worker (loaded when demo mode starts; not in the initial load)\n{}",
            report(&worker)
        );
        print!(
            "{}",
            line(
                "demo mode total (initial load + worker)",
                first_total.plus(totals(&worker))
            )
        );
    }
    let gzip = first_total.gzip;
    if gzip > max_gzip {
        eprintln!("size-report: {gzip} gzip bytes exceed the guard of {max_gzip}");
        return ExitCode::FAILURE;
    }
    println!(
        "\nsize guard (initial load, gzip): {gzip} of {max_gzip} bytes ({}%)",
        gzip * 100 / max_gzip.max(1)
    );
    ExitCode::SUCCESS
}

/// The sizes of the initial load and of the demo worker (empty when the build has none),
/// measured together so both wasm files compress at once.
fn read(dist: &Path) -> std::io::Result<(Vec<FileSize>, Vec<FileSize>)> {
    let mut files = initial_files(dist)?;
    let first = files.len();
    files.extend(demo_worker_files(dist, &files)?);
    let mut sizes = measure(dist, &files)?;
    let worker = sizes.split_off(first);
    Ok((sizes, worker))
}
