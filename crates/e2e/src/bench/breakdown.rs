//! Where the console's wasm goes: its code by crate and, for the console's own crate, by module
//! (its pages, components, api: "per page"), from `twiggy top` on a release build whose
//! functions keep their names.
//!
//! The wasm is a build of `rio-console` like Trunk's release build, with the profile [`PROFILE`]
//! (the release profile under another name) and v0 symbol names, whose generic arguments say
//! which page instantiated generic code (see [`symbols`]). Its own profile keeps it in its own
//! directory (`target/wasm32-unknown-unknown/size-breakdown/`), so it never replaces the wasm
//! Trunk builds; the first build takes minutes, later ones only rebuild the console and
//! `platform`. It goes through `wasm-bindgen`, which keeps names, but not wasm-opt, which strips
//! them and shrinks the code: bytes here are before wasm-opt and larger than the shipped wasm,
//! shares are the figures to compare.

pub mod symbols;
mod tools;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use super::report::{group, percent};
use symbols::{APP, BUCKETS, Part};

/// The twiggy `scripts/setup.sh test` installs.
pub const TWIGGY_VERSION: &str = "0.8.0";
/// The cargo profile of the build: the release profile (which keeps the name section) in a
/// directory of its own; defined on the command line, not in `Cargo.toml`.
pub const PROFILE: &str = "size-breakdown";
/// Modules listed by their full path, after the per-page table.
const FULL_MODULES: usize = 12;
/// Crates named in the "others" row.
const OTHERS_NAMED: usize = 8;

/// The wasm's bytes by where they go.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally {
    /// Code by the crate it is charged to (see [`symbols::Code::owner`]).
    pub owners: BTreeMap<String, u64>,
    /// Code by the crate that defines it.
    pub definers: BTreeMap<String, u64>,
    /// The console's code by module ("" for the crate root).
    pub modules: BTreeMap<String, u64>,
    /// Data segments: constants, strings.
    pub data: u64,
    /// Types, imports, exports, tables, section headers.
    pub structure: u64,
    /// Function names and custom sections, which do not ship.
    pub left_out: u64,
}

impl Tally {
    /// Adds up `twiggy top` items (name, shallow bytes); `modules` are the console's module
    /// paths ([`symbols::module_paths`]).
    pub fn of(items: &[(String, u64)], modules: &BTreeSet<String>) -> Tally {
        let mut tally = Tally::default();
        for (name, bytes) in items {
            match symbols::classify(name, modules) {
                Part::Code(code) => {
                    *tally.owners.entry(code.owner).or_default() += bytes;
                    *tally.definers.entry(code.definer).or_default() += bytes;
                    if let Some(module) = code.module {
                        *tally.modules.entry(module).or_default() += bytes;
                    }
                }
                Part::Data => tally.data += bytes,
                Part::Structure => tally.structure += bytes,
                Part::LeftOut => tally.left_out += bytes,
            }
        }
        tally
    }

    /// Bytes of code.
    pub fn code(&self) -> u64 {
        self.owners.values().sum()
    }

    /// Code, data and structure: what ships, before wasm-opt.
    pub fn total(&self) -> u64 {
        self.code() + self.data + self.structure
    }

    /// The console's code per page: modules rolled up to two levels (`pages::deployments`
    /// holds `pages::deployments::list::store`), largest first.
    pub fn pages(&self) -> Vec<(String, u64)> {
        let mut pages: BTreeMap<String, u64> = BTreeMap::new();
        for (module, bytes) in &self.modules {
            let page: Vec<&str> = module.split("::").take(2).collect();
            *pages.entry(page.join("::")).or_default() += bytes;
        }
        largest_first(pages)
    }
}

/// Sums of `by_crate` per row of [`BUCKETS`].
fn per_bucket(by_crate: &BTreeMap<String, u64>) -> BTreeMap<&'static str, u64> {
    let mut rows = BTreeMap::new();
    for (krate, bytes) in by_crate {
        *rows.entry(symbols::bucket(krate)).or_default() += bytes;
    }
    rows
}

fn largest_first(map: BTreeMap<String, u64>) -> Vec<(String, u64)> {
    let mut rows: Vec<(String, u64)> = map.into_iter().collect();
    rows.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    rows
}

fn bytes(n: u64) -> String {
    group(usize::try_from(n).unwrap_or(usize::MAX), ' ')
}

fn share(part: u64, whole: u64) -> String {
    percent(part as f64, whole as f64)
}

/// The breakdown in Markdown: per crate, per page, the largest modules. `shipped`: the wasm of
/// the release build (name, bytes after wasm-opt), to compare with.
pub fn markdown(tally: &Tally, shipped: Option<(String, usize)>) -> String {
    let total = tally.total();
    let mut out = String::from("## Size breakdown of the console's wasm\n\n");
    out.push_str(&format!(
        "A release build of `rio-console` (cargo profile `{PROFILE}`: the release profile with \
         v0 symbol names) after `wasm-bindgen`, **before wasm-opt**: {} bytes of code, data and \
         wasm structure (function names and custom sections, {} bytes, left out: they do not \
         ship). {}Bytes are before wasm-opt, so larger than what ships; compare shares. Generic \
         code instantiated for the console or the `platform` crate is charged to it, at the last \
         console path its name holds (`<ArcAsyncDerived<Result<…, \
         rio_console::api::error::ApiError>>>::new::<…rio_console::pages::catalog::…>` goes to \
         `pages::catalog`, `drop_in_place::<rio_console::pages::deploy::…>` to `pages::deploy`); \
         \"defined in\" charges each function to the crate of its outermost path instead. From \
         `twiggy top` ({TWIGGY_VERSION}); run alone with `cargo run -q -p rio-e2e --bin \
         size-breakdown --locked`.\n\n",
        bytes(total),
        bytes(tally.left_out),
        shipped.map_or(String::new(), |(name, size)| format!(
            "The shipped wasm after wasm-opt (`{name}`) is {} bytes. ",
            group(size, ' ')
        )),
    ));
    out.push_str("| Crate | Bytes | Share | Defined in: bytes | Share |\n");
    out.push_str("|---|---:|---:|---:|---:|\n");
    let (owners, definers) = (per_bucket(&tally.owners), per_bucket(&tally.definers));
    for row in BUCKETS {
        let (owned, defined) = (
            owners.get(row).copied().unwrap_or(0),
            definers.get(row).copied().unwrap_or(0),
        );
        out.push_str(&format!(
            "| `{row}` | {} | {} | {} | {} |\n",
            bytes(owned),
            share(owned, total),
            bytes(defined),
            share(defined, total)
        ));
    }
    for (what, n) in [
        ("data segments (constants, strings)", tally.data),
        (
            "wasm structure (types, imports, exports, tables)",
            tally.structure,
        ),
    ] {
        out.push_str(&format!(
            "| {what} | {} | {} | | |\n",
            bytes(n),
            share(n, total)
        ));
    }
    out.push_str(&format!("| **total** | {} | 100 % | | |\n", bytes(total)));
    let others: Vec<String> = largest_first(tally.owners.clone())
        .into_iter()
        .filter(|(krate, _)| symbols::bucket(krate) == "others")
        .take(OTHERS_NAMED)
        .map(|(krate, n)| format!("`{krate}` {}", bytes(n)))
        .collect();
    if !others.is_empty() {
        out.push_str(&format!("\nLargest of `others`: {}.\n", others.join(", ")));
    }

    let app = tally.owners.get(APP).copied().unwrap_or(0);
    out.push_str(&format!(
        "\n### `{APP}` per page and module\n\nThe console's {} bytes of code by module under \
         `src/`, two levels deep (`pages::deployments` holds `pages::deployments::list`); \
         `(crate root)` is `lib.rs` and `main.rs`.\n\n",
        bytes(app)
    ));
    out.push_str("| Module | Bytes | Share of the console | Share of the wasm |\n");
    out.push_str("|---|---:|---:|---:|\n");
    for (page, n) in tally.pages() {
        let page = if page.is_empty() {
            "(crate root)".to_string()
        } else {
            format!("`{page}`")
        };
        out.push_str(&format!(
            "| {page} | {} | {} | {} |\n",
            bytes(n),
            share(n, app),
            share(n, total)
        ));
    }
    let full: Vec<String> = largest_first(tally.modules.clone())
        .into_iter()
        .filter(|(module, _)| !module.is_empty())
        .take(FULL_MODULES)
        .map(|(module, n)| format!("`{module}` {}", bytes(n)))
        .collect();
    if !full.is_empty() {
        out.push_str(&format!("\nLargest modules: {}.\n", full.join(", ")));
    }
    out
}

/// The wasm `index.html` of the release build in `dist` loads: its name and bytes.
pub fn shipped_wasm(dist: &Path) -> Option<(String, usize)> {
    let files = crate::size::initial_files(dist).ok()?;
    let wasm = files
        .iter()
        .find(|f| f.extension().is_some_and(|e| e == "wasm"))?;
    let size = std::fs::metadata(wasm).ok()?.len();
    let name = wasm.file_name()?.to_string_lossy().into_owned();
    Some((name, usize::try_from(size).ok()?))
}

/// Builds the console's release wasm in `root`, runs `wasm-bindgen` and `twiggy` on it, and
/// returns the [`markdown`] breakdown; an error says what is missing or what failed.
pub fn run(root: &Path, shipped: Option<(String, usize)>) -> Result<String, String> {
    analyse(root, &tools::build(root)?, shipped)
}

/// The [`markdown`] breakdown of `wasm`, a build of the console in `root` that keeps names.
pub fn analyse(
    root: &Path,
    wasm: &Path,
    shipped: Option<(String, usize)>,
) -> Result<String, String> {
    let items = tools::top(wasm)?;
    let src = root.join("src");
    let modules = symbols::module_paths(&src).map_err(|e| {
        format!(
            "cannot read the console's modules in {}: {e}",
            src.display()
        )
    })?;
    let tally = Tally::of(&items, &modules);
    let unnamed = tally.owners.get(symbols::NO_NAME).copied().unwrap_or(0);
    if tally.code() == 0 || unnamed * 2 > tally.code() {
        return Err(format!(
            "{} has no function names (name section): the release profile strips them; \
             `--config profile.{PROFILE}.strip=false` in the build keeps them",
            wasm.display()
        ));
    }
    Ok(markdown(&tally, shipped))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tally_splits_code_data_and_what_does_not_ship() {
        let json = br#"[
            {"name": "\"function names\" subsection", "shallow_size": 500, "shallow_size_percent": 50.0},
            {"name": "data segment \".rodata\"", "shallow_size": 100, "shallow_size_percent": 10.0},
            {"name": "rio_console::pages::deploy::__component_deploy_form::h3d09f2e36e12ec06", "shallow_size": 200, "shallow_size_percent": 20.0},
            {"name": "core::ptr::drop_in_place<rio_console::pages::deployments::list::Row>::h0123456789abcdef", "shallow_size": 40, "shallow_size_percent": 4.0},
            {"name": "<T as tachys::view::Render>::build::h0123456789abcdef", "shallow_size": 150, "shallow_size_percent": 15.0},
            {"name": "hashbrown::raw::RawTable::reserve::h0123456789abcdef", "shallow_size": 9, "shallow_size_percent": 0.9},
            {"name": "type[1]: (i32) -> nil", "shallow_size": 1, "shallow_size_percent": 0.1}
        ]"#;
        let items = tools::parse_top(json).unwrap();
        let modules: BTreeSet<String> = [
            "pages",
            "pages::deploy",
            "pages::deployments",
            "pages::deployments::list",
        ]
        .into_iter()
        .map(String::from)
        .collect();
        let tally = Tally::of(&items, &modules);
        assert_eq!(tally.total(), 500);
        assert_eq!(tally.left_out, 500);
        assert_eq!(tally.owners[APP], 240);
        assert_eq!(tally.definers[APP], 200);
        assert_eq!(tally.definers["core"], 40);
        assert_eq!(
            tally.pages(),
            [
                ("pages::deploy".to_string(), 200),
                ("pages::deployments".to_string(), 40)
            ]
        );

        let text = markdown(&tally, Some(("app_bg.wasm".into(), 400)));
        assert!(
            text.contains("| `rio_console` | 240 | 48.00 % | 200 | 40.00 % |"),
            "{text}"
        );
        assert!(text.contains("| `tachys` | 150 | 30.00 % | 150 | 30.00 % |"));
        assert!(text.contains("| `core/alloc/std` | 0 | 0.00 % | 40 | 8.00 % |"));
        assert!(text.contains("| data segments (constants, strings) | 100 | 20.00 % | | |"));
        assert!(text.contains("| **total** | 500 | 100 % | | |"));
        assert!(text.contains("Largest of `others`: `hashbrown` 9."));
        assert!(text.contains("| `pages::deploy` | 200 | 83.33 % | 40.00 % |"));
        assert!(text.contains("(`app_bg.wasm`) is 400 bytes"));
    }
}
