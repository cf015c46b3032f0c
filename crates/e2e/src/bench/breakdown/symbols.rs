//! What one item of `twiggy top` is, and for a function, which crate (and which module of the
//! console) its bytes are charged to, read from its demangled name.
//!
//! Generic code is compiled where it is instantiated, but its name says where it was written and,
//! in v0 mangling, for what: `core::ptr::drop_in_place::<rio_console::pages::deploy::Form>` is
//! core's drop glue for a type of the deploy page, and
//! `<ArcAsyncDerived<Result<Vec<Deployment>, rio_console::api::error::ApiError>>>::new::<…
//! rio_console::pages::catalog::__component_catalog::{closure#1}>` is reactive_graph's code for
//! a resource of the catalog page. A function whose name mentions a crate of this workspace is
//! charged to it (the console first, then `platform`), at its **last** mention: the generic
//! arguments of the function, which come last, name who instantiated it (the page's closure),
//! where the types before them (`ApiError`) are shared by every page. So "per page" counts what
//! each page makes the compiler generate; [`Code::definer`] keeps the crate of the outermost
//! path beside it. Legacy names (`…::h0123456789abcdef`) carry no generic arguments, so with them
//! most of a page's view code stays with tachys and reactive_graph.

use std::collections::BTreeSet;

/// The console's crate, as symbols spell it.
pub const APP: &str = "rio_console";
/// The crates of this workspace that generic code is charged to, in that order.
const WORKSPACE: [&str; 2] = [APP, "platform"];
/// The crate given to functions whose name has no crate path (`intounderlyingsink_write`).
pub const NO_PATH: &str = "(no crate path)";
/// The crate given to functions without a name (`code[12]`).
pub const NO_NAME: &str = "(no name)";

/// The rows of the per-crate table, in order; every crate falls in one of them.
pub const BUCKETS: [&str; 11] = [
    "leptos*",
    "reactive_graph",
    "tachys",
    "core/alloc/std",
    "serde_json",
    "serde",
    "platform",
    "rio_console",
    "wasm_bindgen",
    "web_sys/js_sys",
    "others",
];

/// One item of `twiggy top`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    /// A function.
    Code(Code),
    /// A data segment: constants, strings, tables of the code.
    Data,
    /// The module's own structure: types, imports, exports, tables, section headers.
    Structure,
    /// Not shipped: function names and other custom sections, which wasm-opt strips.
    LeftOut,
}

/// Where a function's bytes go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Code {
    /// The crate it is charged to: the first crate of this workspace its name mentions, else
    /// [`Code::definer`].
    pub owner: String,
    /// The crate of its outermost path: where the code was written.
    pub definer: String,
    /// For the console's code, its module (`pages::deployments::list`; "" for the crate root).
    pub module: Option<String>,
}

/// Classifies a `twiggy top` item; `modules` are the console's module paths (see
/// [`module_paths`]).
pub fn classify(item: &str, modules: &BTreeSet<String>) -> Part {
    if item.ends_with(" subsection") || item.starts_with("custom section ") {
        return Part::LeftOut;
    }
    if item.starts_with("data segment ") || item.starts_with("data[") {
        return Part::Data;
    }
    let structure = [
        "type[", "import ", "export ", "table[", "elem[", "memory[", "global[",
    ];
    if structure.iter().any(|p| item.starts_with(p))
        || item.ends_with(" section headers")
        || item == "wasm magic bytes"
    {
        return Part::Structure;
    }
    if item.starts_with("code[") {
        return code(NO_NAME, NO_NAME, None);
    }
    let name = clean(item);
    if is_bindgen_glue(&name) {
        return code("wasm_bindgen", "wasm_bindgen", None);
    }
    let definer = outer_crate(&name);
    for krate in WORKSPACE {
        if let Some(at) = find_path(&name, krate) {
            let module = (krate == APP).then(|| module_of(&name[at + krate.len() + 2..], modules));
            return code(krate, &definer, module);
        }
    }
    code(&definer, &definer, None)
}

fn code(owner: &str, definer: &str, module: Option<String>) -> Part {
    Part::Code(Code {
        owner: owner.to_string(),
        definer: definer.to_string(),
        module,
    })
}

/// The row of the per-crate table for `krate`.
pub fn bucket(krate: &str) -> &'static str {
    match krate {
        k if k.starts_with("leptos") => "leptos*",
        "reactive_graph" => "reactive_graph",
        "tachys" => "tachys",
        "core" | "alloc" | "std" | "compiler_builtins" | "dlmalloc" | "panic_abort" | "__rustc" => {
            "core/alloc/std"
        }
        "serde_json" => "serde_json",
        "serde" | "serde_core" | "serde_derive" => "serde",
        "platform" => "platform",
        APP => "rio_console",
        "wasm_bindgen" | "wasm_bindgen_futures" => "wasm_bindgen",
        "web_sys" | "js_sys" => "web_sys/js_sys",
        _ => "others",
    }
}

/// The name without its hash (`::h0123456789abcdef`), LLVM suffix (`.llvm.123`) and crate
/// disambiguators (`core[c5930c85a12de822]::fmt` is `core::fmt`).
fn clean(item: &str) -> String {
    let name = item.split(".llvm.").next().unwrap_or(item);
    let name = match name.rsplit_once("::h") {
        Some((path, hash)) if hash.len() == 16 && hash.chars().all(|c| c.is_ascii_hexdigit()) => {
            path
        }
        _ => name,
    };
    let mut out = String::with_capacity(name.len());
    let mut rest = name;
    while let Some(open) = rest.find('[') {
        let after = &rest[open + 1..];
        let hex = after.find(']').map(|close| &after[..close]);
        let after_ident = rest[..open].ends_with(|c: char| c.is_ascii_alphanumeric() || c == '_');
        match hex {
            Some(hex)
                if after_ident && !hex.is_empty() && hex.chars().all(|c| c.is_ascii_hexdigit()) =>
            {
                out.push_str(&rest[..open]);
                rest = &after[hex.len() + 1..];
            }
            _ => {
                out.push_str(&rest[..=open]);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Shims and exports wasm-bindgen writes, whose names carry no crate path.
fn is_bindgen_glue(name: &str) -> bool {
    ["__wbindgen", "__wbg_", "__externref", "Closure("]
        .iter()
        .any(|p| name.starts_with(p))
        || name.ends_with("externref shim")
}

/// The crate of the outermost path: `alloc` for `<alloc::vec::Vec<T> as core::ops::Drop>::drop`,
/// `tachys` for `<T as tachys::view::Render>::build`, `core` for `<str>::trim`.
fn outer_crate(name: &str) -> String {
    if let Some(inner) = name.strip_prefix('<') {
        let (self_type, trait_path) = split_qualified(inner);
        let self_crate = leading_crate(self_type);
        let trait_crate = trait_path.and_then(leading_crate);
        let std_crate = |k: &str| matches!(k, "core" | "alloc" | "std");
        // An impl lives with its type or its trait: a std type with a foreign trait is the
        // trait's crate (`<alloc::string::String as serde_core::ser::Serialize>`).
        return match (self_crate, trait_crate) {
            (Some(s), Some(t)) if std_crate(s) && !std_crate(t) => t,
            (Some(s), _) => s,
            (None, Some(t)) => t,
            (None, None) => "core",
        }
        .to_string();
    }
    if name.contains("::") {
        return leading_crate(name).unwrap_or(NO_PATH).to_string();
    }
    match name {
        "main" => "std",
        "memcpy" | "memmove" | "memset" | "memcmp" | "bcmp" | "fmin" | "fmax" | "fminf"
        | "fmaxf" | "round" | "roundf" | "floor" | "ceil" | "trunc" | "sqrt" => "compiler_builtins",
        n if n.starts_with("__") => "compiler_builtins",
        _ => NO_PATH,
    }
    .to_string()
}

/// The self type and the trait of `<Self as Trait>::…` (given without its `<`).
fn split_qualified(inner: &str) -> (&str, Option<&str>) {
    let mut depth = 0usize;
    let mut previous = ' ';
    for (i, c) in inner.char_indices() {
        match c {
            '<' => depth += 1,
            '>' if previous != '-' && depth == 0 => return (&inner[..i], None),
            '>' if previous != '-' => depth -= 1,
            ' ' if depth == 0 && inner[i..].starts_with(" as ") => {
                let rest = &inner[i + 4..];
                let end = split_qualified(rest).0.len();
                return (&inner[..i], Some(&rest[..end]));
            }
            _ => {}
        }
        previous = c;
    }
    (inner, None)
}

/// The crate a path starts with (`&mut dyn core::any::Any` is `core`, `<alloc::boxed::Box<T> as
/// …>::f` is `alloc`); none for a generic parameter or a primitive (`T`, `str`, `[u8]`).
fn leading_crate(path: &str) -> Option<&str> {
    let mut path = path.trim_start_matches(['<', '&', '(', '[', '*', ' ']);
    for prefix in ["mut ", "const ", "dyn "] {
        path = path.strip_prefix(prefix).unwrap_or(path);
    }
    let end = path
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(path.len());
    (end > 0 && path[end..].starts_with("::")).then(|| &path[..end])
}

/// Where the last path `krate::…` starts in `name`: at the start of a path, not inside one
/// (`std::sys::platform::…` is no mention of the platform crate).
fn find_path(name: &str, krate: &str) -> Option<usize> {
    let needle = format!("{krate}::");
    name.rmatch_indices(&needle).map(|(at, _)| at).find(|&at| {
        !name[..at].ends_with(|c: char| c.is_ascii_alphanumeric() || c == '_' || c == ':')
    })
}

/// The longest start of `path` (what follows `rio_console::`) that is one of `modules`.
fn module_of(path: &str, modules: &BTreeSet<String>) -> String {
    let mut found = String::new();
    let mut prefix = String::new();
    for segment in path.split("::") {
        if segment.is_empty()
            || !segment
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_')
        {
            break;
        }
        if !prefix.is_empty() {
            prefix.push_str("::");
        }
        prefix.push_str(segment);
        if modules.contains(&prefix) {
            found.clone_from(&prefix);
        }
    }
    found
}

/// The console's module paths from its source files: `src/pages/deploy/mod.rs` is
/// `pages::deploy`, `src/api/http.rs` is `api::http` (inline `mod` blocks are not seen).
pub fn module_paths(src: &std::path::Path) -> std::io::Result<BTreeSet<String>> {
    fn walk(
        dir: &std::path::Path,
        at: &[String],
        found: &mut BTreeSet<String>,
    ) -> std::io::Result<()> {
        for entry in std::fs::read_dir(dir)? {
            let path = entry?.path();
            let Some(stem) = path.file_stem().map(|s| s.to_string_lossy().into_owned()) else {
                continue;
            };
            let mut here = at.to_vec();
            if path.is_dir() {
                here.push(stem);
                found.insert(here.join("::"));
                walk(&path, &here, found)?;
            } else if path.extension().is_some_and(|e| e == "rs")
                && !(at.is_empty() && (stem == "lib" || stem == "main"))
                && stem != "mod"
            {
                here.push(stem);
                found.insert(here.join("::"));
            }
        }
        Ok(())
    }
    let mut found = BTreeSet::new();
    walk(src, &[], &mut found)?;
    Ok(found)
}

#[cfg(test)]
mod tests;
