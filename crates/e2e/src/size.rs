//! The bundle-size report: what the first page load transfers, raw, gzip and brotli; and,
//! apart from it, the demo worker that demo mode loads when it starts.

use std::{
    fs,
    io::Write,
    path::{Path, PathBuf},
};

use flate2::{Compression, write::GzEncoder};

/// Brotli's best quality, as a server would pre-compress the release build once.
const BROTLI_QUALITY: i32 = 11;
/// Brotli's window (2^22 bytes), the `brotli` command line's default.
const BROTLI_WINDOW: i32 = 22;

/// One file of the first page load.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileSize {
    /// Path relative to `dist/`.
    pub name: String,
    /// Bytes on disk.
    pub raw: usize,
    /// Bytes after gzip at the best level.
    pub gzip: usize,
    /// Bytes after brotli at quality 11.
    pub brotli: usize,
}

/// The sums of a set of files.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Totals {
    /// Bytes on disk.
    pub raw: usize,
    /// Bytes after gzip.
    pub gzip: usize,
    /// Bytes after brotli.
    pub brotli: usize,
}

impl Totals {
    /// Both sets together (the first load and the demo worker: demo mode's total).
    pub fn plus(self, other: Totals) -> Totals {
        Totals {
            raw: self.raw + other.raw,
            gzip: self.gzip + other.gzip,
            brotli: self.brotli + other.brotli,
        }
    }
}

/// The files `index.html` loads (wasm, JS, CSS: any file of `dist/` it names), plus
/// `index.html` itself and `config.json`, which the console fetches at start. Compressed copies
/// a compression hook writes beside them (`x.wasm.br`, `x.wasm.gz`) are not assets.
pub fn initial_files(dist: &Path) -> std::io::Result<Vec<PathBuf>> {
    let index = fs::read_to_string(dist.join("index.html"))?;
    let mut assets = Vec::new();
    collect_assets(dist, &mut assets)?;
    assets.sort();
    let mut files = vec![dist.join("index.html")];
    for path in assets {
        if index.contains(&relative(dist, &path)) {
            files.push(path);
        }
    }
    let config = dist.join("config.json");
    if config.is_file() {
        files.push(config);
    }
    Ok(files)
}

/// The demo worker's files in `dist/` (`rio-demo_loader.js`, `rio-demo.js`, `rio-demo_bg.wasm`,
/// with or without a `-<hash>` after `rio-demo`), leaving out any the first load already counts;
/// empty when this build has no demo worker.
pub fn demo_worker_files(dist: &Path, first_load: &[PathBuf]) -> std::io::Result<Vec<PathBuf>> {
    let mut assets = Vec::new();
    collect_assets(dist, &mut assets)?;
    assets.sort();
    Ok(assets
        .into_iter()
        .filter(|path| !first_load.contains(path))
        .filter(|path| {
            path.parent() == Some(dist)
                && path
                    .file_name()
                    .is_some_and(|name| is_demo_worker_file(&name.to_string_lossy()))
        })
        .collect())
}

/// `rio-demo.js`, `rio-demo_bg.wasm`, `rio-demo_loader.js`, each perhaps with `-<hex hash>`
/// after `rio-demo`.
fn is_demo_worker_file(name: &str) -> bool {
    let Some(rest) = name.strip_prefix("rio-demo") else {
        return false;
    };
    let rest = match rest.strip_prefix('-') {
        Some(hashed) => {
            let after = hashed.trim_start_matches(|c: char| c.is_ascii_hexdigit());
            if after.len() == hashed.len() {
                return false;
            }
            after
        }
        None => rest,
    };
    [".js", "_bg.wasm", "_loader.js"].contains(&rest)
}

/// Files whose last extension is wasm, js or css: `x.wasm.br` and `x.wasm.gz` are left out.
fn collect_assets(dir: &Path, found: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect_assets(&path, found)?;
        } else if ["wasm", "js", "css"]
            .iter()
            .any(|ext| path.extension().is_some_and(|e| e == *ext))
        {
            found.push(path);
        }
    }
    Ok(())
}

fn relative(dist: &Path, path: &Path) -> String {
    path.strip_prefix(dist)
        .unwrap_or(path)
        .to_string_lossy()
        .into_owned()
}

/// Raw, gzip and brotli sizes of `files`, named relative to `dist`; a thread a file, since
/// brotli at quality 11 takes seconds for a wasm.
pub fn measure(dist: &Path, files: &[PathBuf]) -> std::io::Result<Vec<FileSize>> {
    std::thread::scope(|scope| {
        let sizes: Vec<_> = files
            .iter()
            .map(|path| scope.spawn(move || measure_one(dist, path)))
            .collect();
        sizes
            .into_iter()
            .map(|size| {
                size.join()
                    .unwrap_or_else(|_| Err(std::io::Error::other("compressing a file panicked")))
            })
            .collect()
    })
}

fn measure_one(dist: &Path, path: &Path) -> std::io::Result<FileSize> {
    let bytes = fs::read(path)?;
    let mut encoder = GzEncoder::new(Vec::new(), Compression::best());
    encoder.write_all(&bytes)?;
    let gzip = encoder.finish()?.len();
    Ok(FileSize {
        name: relative(dist, path),
        raw: bytes.len(),
        gzip,
        brotli: brotli_len(&bytes)?,
    })
}

/// Bytes of `bytes` after brotli at quality 11.
pub fn brotli_len(bytes: &[u8]) -> std::io::Result<usize> {
    let params = brotli::enc::BrotliEncoderParams {
        quality: BROTLI_QUALITY,
        lgwin: BROTLI_WINDOW,
        size_hint: bytes.len(),
        ..Default::default()
    };
    let mut out = Vec::new();
    brotli::BrotliCompress(&mut &bytes[..], &mut out, &params)?;
    Ok(out.len())
}

/// A plain-text table of the sizes with their total.
pub fn report(sizes: &[FileSize]) -> String {
    let mut out = format!(
        "{:<48} {:>12} {:>12} {:>12}\n",
        "file", "raw bytes", "gzip bytes", "brotli bytes"
    );
    for size in sizes {
        out.push_str(&line(
            &size.name,
            Totals {
                raw: size.raw,
                gzip: size.gzip,
                brotli: size.brotli,
            },
        ));
    }
    out.push_str(&line("total", totals(sizes)));
    out
}

/// One line of [`report`]'s table: `label` and its three sizes.
pub fn line(label: &str, totals: Totals) -> String {
    format!(
        "{:<48} {:>12} {:>12} {:>12}\n",
        label, totals.raw, totals.gzip, totals.brotli
    )
}

/// Sums of raw, gzip and brotli bytes.
pub fn totals(sizes: &[FileSize]) -> Totals {
    sizes.iter().fold(Totals::default(), |sum, size| Totals {
        raw: sum.raw + size.raw,
        gzip: sum.gzip + size.gzip,
        brotli: sum.brotli + size.brotli,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(files: &[PathBuf]) -> Vec<String> {
        files
            .iter()
            .map(|f| f.file_name().unwrap().to_string_lossy().into_owned())
            .collect()
    }

    #[test]
    fn initial_files_are_what_index_html_loads() {
        let dir = tempfile::tempdir().unwrap();
        let dist = dir.path();
        fs::write(
            dist.join("index.html"),
            r#"<link rel=modulepreload href=/app-1.js><link rel="stylesheet" href="/style-2.css">
               <script type="module">import init from '/app-1.js'; init({module_or_path: '/app-1_bg.wasm'});</script>
               <link rel="icon" href="/favicon-3.svg">"#,
        )
        .unwrap();
        for name in [
            "app-1.js",
            "style-2.css",
            "app-1_bg.wasm",
            "favicon-3.svg",
            "config.json",
            "other.js",
        ] {
            fs::write(dist.join(name), "x".repeat(1000)).unwrap();
        }
        let files = initial_files(dist).unwrap();
        assert_eq!(
            names(&files),
            [
                "index.html",
                "app-1.js",
                "app-1_bg.wasm",
                "style-2.css",
                "config.json"
            ]
        );

        let sizes = measure(dist, &files).unwrap();
        let sum = totals(&sizes);
        assert_eq!(
            sum.raw,
            fs::metadata(dist.join("index.html")).unwrap().len() as usize + 4000
        );
        assert!(sum.gzip < sum.raw, "gzip {} should be below raw", sum.gzip);
        assert!(sum.brotli < sum.raw, "brotli {} below raw", sum.brotli);
        let text = report(&sizes);
        assert!(text.lines().next().unwrap().ends_with("brotli bytes"));
        assert!(text.lines().last().unwrap().starts_with("total"));
    }

    #[test]
    fn compressed_copies_beside_the_assets_are_not_counted() {
        let dir = tempfile::tempdir().unwrap();
        let dist = dir.path();
        fs::write(
            dist.join("index.html"),
            r#"<script type="module">import init from '/app-1.js'; init('/app-1_bg.wasm');</script>"#,
        )
        .unwrap();
        for name in [
            "app-1.js",
            "app-1.js.br",
            "app-1.js.gz",
            "app-1_bg.wasm",
            "app-1_bg.wasm.br",
            "app-1_bg.wasm.gz",
            "rio-demo_bg.wasm.br",
        ] {
            fs::write(dist.join(name), "x".repeat(100)).unwrap();
        }
        let files = initial_files(dist).unwrap();
        assert_eq!(names(&files), ["index.html", "app-1.js", "app-1_bg.wasm"]);
        assert!(demo_worker_files(dist, &files).unwrap().is_empty());
    }

    #[test]
    fn the_demo_worker_is_apart_from_the_first_load() {
        let dir = tempfile::tempdir().unwrap();
        let dist = dir.path();
        fs::write(
            dist.join("index.html"),
            r#"<script type="module">import init from '/app-1.js'; init('/app-1_bg.wasm');</script>"#,
        )
        .unwrap();
        for name in [
            "app-1.js",
            "app-1_bg.wasm",
            "rio-demo_loader.js",
            "rio-demo.js",
            "rio-demo_bg.wasm",
            "rio-demo_bg.wasm.gz",
            "rio-demos.js",
        ] {
            fs::write(dist.join(name), "y".repeat(500)).unwrap();
        }
        let first = initial_files(dist).unwrap();
        assert_eq!(names(&first), ["index.html", "app-1.js", "app-1_bg.wasm"]);
        let worker = demo_worker_files(dist, &first).unwrap();
        assert_eq!(
            names(&worker),
            ["rio-demo.js", "rio-demo_bg.wasm", "rio-demo_loader.js"]
        );
        let worker = totals(&measure(dist, &worker).unwrap());
        assert_eq!(worker.raw, 1500);
        let demo = totals(&measure(dist, &first).unwrap()).plus(worker);
        assert_eq!(
            demo.raw,
            1500 + 1000 + fs::metadata(dist.join("index.html")).unwrap().len() as usize
        );
    }

    #[test]
    fn demo_worker_names_may_carry_a_hash() {
        assert!(is_demo_worker_file("rio-demo.js"));
        assert!(is_demo_worker_file("rio-demo-4f3c2bdc1d1300f6_bg.wasm"));
        assert!(is_demo_worker_file("rio-demo_loader.js"));
        assert!(!is_demo_worker_file("rio-demo_bg.wasm.br"));
        assert!(!is_demo_worker_file("rio-console-4f3c2bdc1d1300f6.js"));
        assert!(!is_demo_worker_file("rio-demos.js"));
        assert!(!is_demo_worker_file("rio-demo-_bg.wasm"));
    }
}
