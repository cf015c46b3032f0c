//! The programs behind the breakdown: cargo builds the wasm, `wasm-bindgen` prepares it as
//! Trunk does, `twiggy top` lists its items.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::Value;

use super::{PROFILE, TWIGGY_VERSION};

/// `cargo build --profile size-breakdown --target wasm32-unknown-unknown -p rio-console --bin
/// rio-console` with v0 symbol names: the wasm it wrote, as cargo reports it.
pub(super) fn build(root: &Path) -> Result<PathBuf, String> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let profile = format!("profile.{PROFILE}");
    let mut command = Command::new(cargo);
    command
        .current_dir(root)
        .args([
            "build",
            "--profile",
            PROFILE,
            "--target",
            "wasm32-unknown-unknown",
        ])
        .args(["-p", "rio-console", "--bin", "rio-console", "--locked"])
        .arg("--config")
        .arg(format!("{profile}.inherits=\"release\""))
        // Added to the project's target rustflags (`--cfg erase_components`), not in their place.
        .args([
            "--config",
            "target.wasm32-unknown-unknown.rustflags=[\"-Csymbol-mangling-version=v0\"]",
        ])
        .arg("--message-format=json-render-diagnostics");
    let messages = run_tool(command, "install Rust with rustup")?;
    String::from_utf8_lossy(&messages)
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter(|m| m["reason"] == "compiler-artifact" && m["target"]["name"] == "rio-console")
        .flat_map(|m| match &m["filenames"] {
            Value::Array(files) => files.clone(),
            _ => Vec::new(),
        })
        .filter_map(|file| file.as_str().map(PathBuf::from))
        .find(|file| file.extension().is_some_and(|e| e == "wasm"))
        .ok_or_else(|| "cargo built no rio-console.wasm".to_string())
}

/// Runs `command` (its errors go to our stderr) and returns what it printed; `hint` says how to
/// install the program when it is missing.
fn run_tool(mut command: Command, hint: &str) -> Result<Vec<u8>, String> {
    let program = command.get_program().to_string_lossy().into_owned();
    let output = command
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => format!("{program} is not installed: {hint}"),
            _ => format!("cannot run {program}: {e}"),
        })?;
    if !output.status.success() {
        return Err(format!(
            "{program} failed ({}); its errors are above",
            output.status
        ));
    }
    Ok(output.stdout)
}

/// `twiggy top --format json`: `[{"name": …, "shallow_size": …}, …]` as (name, bytes).
pub(super) fn parse_top(json: &[u8]) -> Result<Vec<(String, u64)>, String> {
    let items: Value =
        serde_json::from_slice(json).map_err(|e| format!("twiggy's output is not JSON: {e}"))?;
    let Value::Array(items) = items else {
        return Err("twiggy's output is not a list".into());
    };
    items
        .iter()
        .map(
            |item| match (item["name"].as_str(), item["shallow_size"].as_u64()) {
                (Some(name), Some(size)) => Ok((name.to_string(), size)),
                _ => Err(format!("twiggy's item has no name and size: {item}")),
            },
        )
        .collect()
}

/// The items of `wasm` after `wasm-bindgen`, as `twiggy top` lists them: (name, shallow bytes).
pub(super) fn top(wasm: &Path) -> Result<Vec<(String, u64)>, String> {
    // A copy: another build in the same target directory may replace the file meanwhile.
    let dir = tempfile::tempdir().map_err(|e| format!("cannot make a temporary directory: {e}"))?;
    let copy = dir.path().join("rio-console.wasm");
    std::fs::copy(wasm, &copy).map_err(|e| format!("cannot copy {}: {e}", wasm.display()))?;
    let out = dir.path().join("bindgen");
    let mut bindgen = Command::new("wasm-bindgen");
    bindgen
        .args(["--target", "web", "--no-typescript", "--out-dir"])
        .arg(&out)
        .arg(&copy);
    run_tool(
        bindgen,
        "install it with `scripts/setup.sh run` (wasm-bindgen-cli 0.2.130)",
    )?;
    let mut twiggy = Command::new("twiggy");
    twiggy
        .args(["top", "-n", "4294967295", "--format", "json"])
        .arg(out.join("rio-console_bg.wasm"));
    let listed = run_tool(
        twiggy,
        &format!(
            "install it with `scripts/setup.sh test` or `cargo install twiggy --version \
             {TWIGGY_VERSION} --locked`"
        ),
    )?;
    parse_top(&listed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn twiggy_output_that_is_not_a_list_of_items_is_an_error() {
        assert!(parse_top(b"not json").is_err());
        assert!(parse_top(br#"{"name": "x"}"#).is_err());
        assert!(parse_top(br#"[{"name": "x"}]"#).is_err());
        assert_eq!(
            parse_top(
                br#"[{"name": "memory[0]", "shallow_size": 2, "shallow_size_percent": 0.1}]"#
            )
            .unwrap(),
            [("memory[0]".to_string(), 2)]
        );
    }
}
