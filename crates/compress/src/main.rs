//! `rio-compress DIR`: writes a brotli (`.br`) and a gzip (`.gz`) copy beside each file of the
//! build in DIR worth it (see the `compress` crate), then prints what it wrote. Trunk runs it on
//! release builds through `scripts/compress-hook.sh`.

use std::{path::Path, process::ExitCode, time::Instant};

use compress::{Encoding, Outcome};

fn main() -> ExitCode {
    let mut args = std::env::args_os().skip(1);
    let (Some(dir), None) = (args.next(), args.next()) else {
        eprintln!("usage: rio-compress DIR");
        return ExitCode::from(2);
    };
    let dir = Path::new(&dir);
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let started = Instant::now();
    match compress::compress_dir(dir, threads) {
        Ok(outcomes) => {
            for line in report(dir, &outcomes) {
                println!("rio-compress: {line}");
            }
            println!(
                "rio-compress: {} files in {:.1} s",
                outcomes.len() / Encoding::ALL.len(),
                started.elapsed().as_secs_f64()
            );
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("rio-compress: {error}");
            ExitCode::FAILURE
        }
    }
}

/// One line a file: its name under `dir`, its size, and each copy's size (or `-` when none
/// was written because it would not be smaller).
fn report(dir: &Path, outcomes: &[Outcome]) -> Vec<String> {
    outcomes
        .chunks(Encoding::ALL.len())
        .filter_map(|copies| {
            let first = copies.first()?;
            let name = first.path.strip_prefix(dir).unwrap_or(&first.path);
            let sizes: Vec<String> = copies
                .iter()
                .map(|copy| match copy.compressed {
                    Some(size) => format!("{} {size}", copy.encoding.name()),
                    None => format!("{} -", copy.encoding.name()),
                })
                .collect();
            Some(format!(
                "{} {} → {}",
                name.display(),
                first.raw,
                sizes.join(", ")
            ))
        })
        .collect()
}
