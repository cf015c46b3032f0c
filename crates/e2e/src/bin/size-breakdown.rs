//! Prints, in Markdown, where the console's wasm goes: its code by crate and, for the console's
//! own crate, by page and module (see `rio_e2e::bench::breakdown`). Builds the release wasm with
//! cargo first (nothing to do after `trunk build --release`); needs `wasm-bindgen` and `twiggy`.
//!
//! Usage: `size-breakdown [DIST] [--wasm FILE]`. DIST (default `dist/`): the release build whose
//! shipped wasm the report names, for comparison. `--wasm`: break down FILE, a cargo build of the
//! console that keeps names, instead of building one.

use std::{path::PathBuf, process::ExitCode};

use rio_e2e::bench::breakdown;

fn main() -> ExitCode {
    let mut dist = rio_e2e::dist_dir();
    let mut wasm: Option<PathBuf> = None;
    let mut args = std::env::args_os().skip(1);
    while let Some(arg) = args.next() {
        if arg == "--wasm" {
            match args.next() {
                Some(file) => wasm = Some(file.into()),
                None => {
                    eprintln!("size-breakdown: --wasm needs a file");
                    return ExitCode::from(2);
                }
            }
        } else {
            dist = arg.into();
        }
    }
    let root = rio_e2e::workspace_root();
    let shipped = breakdown::shipped_wasm(&dist);
    let made = match wasm {
        Some(wasm) => breakdown::analyse(&root, &wasm, shipped),
        None => breakdown::run(&root, shipped),
    };
    match made {
        Ok(text) => {
            print!("{text}");
            ExitCode::SUCCESS
        }
        Err(problem) => {
            eprintln!("size-breakdown: {problem}");
            ExitCode::FAILURE
        }
    }
}
