//! Prints the raw and gzip bytes of what the first page load transfers, and fails when the gzip
//! total passes the guard (an accident guard, not the performance budget).
//!
//! Usage: `size-report [DIST] [--max-gzip BYTES]` (defaults: `dist/`, 640 000 bytes).

use std::process::ExitCode;

use rio_e2e::size::{initial_files, measure, report, totals};

/// 450 KB (decimal): the foundation's 400 KB guard, moved once the in-browser simulator (demo
/// mode) and the deploy form landed at about 405 KB. The real budget comes with the benchmarks.
const DEFAULT_MAX_GZIP: usize = 640_000;

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
    let sizes = match initial_files(&dist).and_then(|files| measure(&dist, &files)) {
        Ok(sizes) => sizes,
        Err(e) => {
            eprintln!(
                "size-report: cannot read the build in {}: {e}",
                dist.display()
            );
            return ExitCode::FAILURE;
        }
    };
    if !sizes.iter().any(|size| size.name.ends_with(".wasm")) {
        eprintln!(
            "size-report: {} has no wasm referenced by index.html",
            dist.display()
        );
        return ExitCode::FAILURE;
    }
    print!("Initial load of {}\n{}", dist.display(), report(&sizes));
    let (_, gzip) = totals(&sizes);
    if gzip > max_gzip {
        eprintln!("size-report: {gzip} gzip bytes exceed the guard of {max_gzip}");
        return ExitCode::FAILURE;
    }
    println!(
        "size guard: {gzip} of {max_gzip} gzip bytes ({}%)",
        gzip * 100 / max_gzip
    );
    ExitCode::SUCCESS
}
