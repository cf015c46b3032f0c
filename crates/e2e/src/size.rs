//! The bundle-size report: what the first page load transfers, raw and gzip.

use std::{
    fs,
    io::Write,
    path::{Path, PathBuf},
};

use flate2::{Compression, write::GzEncoder};

/// One file of the first page load.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileSize {
    /// Path relative to `dist/`.
    pub name: String,
    /// Bytes on disk.
    pub raw: usize,
    /// Bytes after gzip at the best level.
    pub gzip: usize,
}

/// The files `index.html` loads (wasm, JS, CSS: any file of `dist/` it names), plus
/// `index.html` itself and `config.json`, which the console fetches at start.
pub fn initial_files(dist: &Path) -> std::io::Result<Vec<PathBuf>> {
    let index = fs::read_to_string(dist.join("index.html"))?;
    let mut assets = Vec::new();
    collect_assets(dist, &mut assets)?;
    assets.sort();
    let mut files = vec![dist.join("index.html")];
    for path in assets {
        let relative = path
            .strip_prefix(dist)
            .unwrap_or(&path)
            .to_string_lossy()
            .into_owned();
        if index.contains(&relative) {
            files.push(path);
        }
    }
    let config = dist.join("config.json");
    if config.is_file() {
        files.push(config);
    }
    Ok(files)
}

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

/// Raw and gzip sizes of `files`, named relative to `dist`.
pub fn measure(dist: &Path, files: &[PathBuf]) -> std::io::Result<Vec<FileSize>> {
    files
        .iter()
        .map(|path| {
            let bytes = fs::read(path)?;
            let mut encoder = GzEncoder::new(Vec::new(), Compression::best());
            encoder.write_all(&bytes)?;
            let gzip = encoder.finish()?.len();
            let name = path
                .strip_prefix(dist)
                .unwrap_or(path)
                .display()
                .to_string();
            Ok(FileSize {
                name,
                raw: bytes.len(),
                gzip,
            })
        })
        .collect()
}

/// A plain-text table of the sizes with their total.
pub fn report(sizes: &[FileSize]) -> String {
    let mut out = format!("{:<48} {:>12} {:>12}\n", "file", "raw bytes", "gzip bytes");
    for size in sizes {
        out.push_str(&format!(
            "{:<48} {:>12} {:>12}\n",
            size.name, size.raw, size.gzip
        ));
    }
    let (raw, gzip) = totals(sizes);
    out.push_str(&format!("{:<48} {:>12} {:>12}\n", "total", raw, gzip));
    out
}

/// Sum of raw and gzip bytes.
pub fn totals(sizes: &[FileSize]) -> (usize, usize) {
    sizes.iter().fold((0, 0), |(raw, gzip), size| {
        (raw + size.raw, gzip + size.gzip)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let names: Vec<String> = files
            .iter()
            .map(|f| f.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(
            names,
            [
                "index.html",
                "app-1.js",
                "app-1_bg.wasm",
                "style-2.css",
                "config.json"
            ]
        );

        let sizes = measure(dist, &files).unwrap();
        let (raw, gzip) = totals(&sizes);
        assert_eq!(
            raw,
            fs::metadata(dist.join("index.html")).unwrap().len() as usize + 4000
        );
        assert!(gzip < raw, "gzip {gzip} should be below raw {raw}");
        assert!(report(&sizes).lines().last().unwrap().starts_with("total"));
    }
}
