//! The compressed copies of a build: which files get them, that they decompress to the file,
//! carry its modification time, and are left out when not smaller.

#![allow(clippy::unwrap_used, clippy::expect_used)] // A test: a failed expectation fails it.

use std::{fs, io::Read, path::Path, time::SystemTime};

use compress::{Encoding, compress_dir};

/// Text that compresses well, of about `len` bytes.
fn text(len: usize) -> Vec<u8> {
    let line = b"export function deployment(id) { return fetch(`/api/v1/deployments/${id}`); }\n";
    line.iter().copied().cycle().take(len).collect()
}

fn decompress(encoding: Encoding, data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    match encoding {
        Encoding::Brotli => {
            brotli::BrotliDecompress(&mut &data[..], &mut out).unwrap();
        }
        Encoding::Gzip => {
            flate2::read::GzDecoder::new(data)
                .read_to_end(&mut out)
                .unwrap();
        }
    }
    out
}

fn build() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::create_dir_all(root.join("embed-example")).unwrap();
    for name in [
        "index.html",
        "app-1.js",
        "app-1_bg.wasm",
        "main-1.css",
        "favicon-1.svg",
        "manifest.json",
        "config.json",
        "embed-example/host.html",
        "embed-example/config.json",
        "logo.png",
        "notes.txt",
    ] {
        fs::write(root.join(name), text(5_000)).unwrap();
    }
    dir
}

fn exists(root: &Path, name: &str) -> bool {
    root.join(name).exists()
}

#[test]
fn text_and_wasm_files_get_copies_that_decompress_to_them() {
    let dir = build();
    let root = dir.path();
    let outcomes = compress_dir(root, 2).unwrap();
    let compressed = [
        "index.html",
        "app-1.js",
        "app-1_bg.wasm",
        "main-1.css",
        "favicon-1.svg",
        "manifest.json",
        "embed-example/host.html",
        "embed-example/config.json",
    ];
    assert_eq!(outcomes.len(), compressed.len() * 2, "{outcomes:#?}");
    for name in compressed {
        let original = fs::read(root.join(name)).unwrap();
        let modified = fs::metadata(root.join(name)).unwrap().modified().unwrap();
        for encoding in Encoding::ALL {
            let copy_path = encoding.copy_path(&root.join(name));
            let copy = fs::read(&copy_path).unwrap();
            assert!(copy.len() < original.len(), "{name}{}", encoding.suffix());
            assert_eq!(
                decompress(encoding, &copy),
                original,
                "{}",
                copy_path.display()
            );
            let copy_modified: SystemTime = fs::metadata(&copy_path).unwrap().modified().unwrap();
            assert_eq!(
                copy_modified,
                modified,
                "{} keeps the file's time",
                copy_path.display()
            );
        }
    }
    for name in ["config.json", "logo.png", "notes.txt"] {
        assert!(!exists(root, &format!("{name}.br")), "{name}");
        assert!(!exists(root, &format!("{name}.gz")), "{name}");
    }
}

#[test]
fn the_build_is_compressed_largest_first_and_a_second_run_adds_nothing() {
    let dir = build();
    let root = dir.path();
    fs::write(root.join("app-1_bg.wasm"), text(200_000)).unwrap();
    let outcomes = compress_dir(root, 1).unwrap();
    assert!(outcomes[0].path.ends_with("app-1_bg.wasm"));
    assert_eq!(outcomes[0].encoding, Encoding::Brotli);
    assert_eq!(outcomes[1].encoding, Encoding::Gzip);
    assert_eq!(outcomes[0].raw, 200_000);
    let files = |root: &Path| fs::read_dir(root).unwrap().count();
    let before = files(root);
    assert_eq!(compress_dir(root, 2).unwrap(), outcomes, "the same again");
    assert_eq!(files(root), before, "no copies of copies");
}

#[test]
fn a_copy_that_is_not_smaller_is_not_written_and_an_old_one_goes() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::write(root.join("tiny.js"), "x").unwrap();
    fs::write(root.join("tiny.js.gz"), "an older copy").unwrap();
    let outcomes = compress_dir(root, 2).unwrap();
    assert_eq!(outcomes.len(), 2);
    assert!(outcomes.iter().all(|outcome| outcome.compressed.is_none()));
    assert!(!exists(root, "tiny.js.br"));
    assert!(
        !exists(root, "tiny.js.gz"),
        "a stale copy would be sent instead of the file"
    );
}

#[test]
fn a_missing_directory_is_an_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("dist");
    let error = compress_dir(&missing, 2).unwrap_err();
    assert!(error.to_string().contains("dist"), "{error}");
}
