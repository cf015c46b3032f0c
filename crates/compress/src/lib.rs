//! Precompression of the console's release build: a brotli (`.br`) and a gzip (`.gz`) copy
//! beside each file worth it, so a server that sends precompressed files (`rio-backend
//! --static`, nginx with `gzip_static`/`brotli_static`, Caddy's `precompressed`) never
//! compresses on the fly and sends the smallest answer the browser accepts.
//!
//! Worth it: wasm, JavaScript, CSS, HTML, SVG and JSON, except the build's top-level
//! `config.json`, which is meant to be edited where the build is deployed; a compressed copy of
//! it would go stale and be sent instead of the edited file. A copy that is not smaller than
//! its file is not written (and an older one is removed). Each copy gets its file's
//! modification time, so `Last-Modified` and `If-Modified-Since` agree whichever is sent.

use std::{
    fmt, fs,
    io::{self, Write},
    path::{Path, PathBuf},
    sync::Mutex,
};

/// Extensions of the files that get compressed copies.
pub const EXTENSIONS: &[&str] = &["wasm", "js", "css", "html", "svg", "json"];

/// The file at the top of the build that never gets compressed copies (see the crate docs).
pub const RUNTIME_CONFIG: &str = "config.json";

/// Brotli quality: the densest, as the copies are made once per build.
pub const BROTLI_QUALITY: i32 = 11;

/// Brotli window, log2 bytes (4 MiB): every file of the build is smaller than that, so a larger
/// window would not make them smaller and would only ask decoders for more memory.
pub const BROTLI_WINDOW: i32 = 22;

/// A content coding with a precompressed copy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// `br`, in `FILE.br`.
    Brotli,
    /// `gzip`, in `FILE.gz`.
    Gzip,
}

impl Encoding {
    /// Every coding, in the order they are reported.
    pub const ALL: [Encoding; 2] = [Encoding::Brotli, Encoding::Gzip];

    /// The suffix of the copy's file name.
    pub fn suffix(self) -> &'static str {
        match self {
            Encoding::Brotli => ".br",
            Encoding::Gzip => ".gz",
        }
    }

    /// The name in `Content-Encoding`.
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Brotli => "br",
            Encoding::Gzip => "gzip",
        }
    }

    /// `data` compressed with this coding at its densest setting.
    pub fn compress(self, data: &[u8]) -> io::Result<Vec<u8>> {
        match self {
            Encoding::Brotli => brotli(data),
            Encoding::Gzip => gzip(data),
        }
    }

    /// Where the copy of `path` goes.
    pub fn copy_path(self, path: &Path) -> PathBuf {
        let mut name = path.as_os_str().to_os_string();
        name.push(self.suffix());
        PathBuf::from(name)
    }
}

/// `data` in brotli at [`BROTLI_QUALITY`] and [`BROTLI_WINDOW`].
pub fn brotli(data: &[u8]) -> io::Result<Vec<u8>> {
    let params = brotli::enc::BrotliEncoderParams {
        quality: BROTLI_QUALITY,
        lgwin: BROTLI_WINDOW,
        size_hint: data.len(),
        ..Default::default()
    };
    let mut out = Vec::with_capacity(data.len() / 3);
    brotli::BrotliCompress(&mut &data[..], &mut out, &params)?;
    Ok(out)
}

/// `data` in gzip at the best level.
pub fn gzip(data: &[u8]) -> io::Result<Vec<u8>> {
    let mut encoder = flate2::write::GzEncoder::new(
        Vec::with_capacity(data.len() / 3),
        flate2::Compression::best(),
    );
    encoder.write_all(data)?;
    encoder.finish()
}

/// True when `path` (a file under the build directory `dir`) gets compressed copies.
pub fn worth_compressing(dir: &Path, path: &Path) -> bool {
    let compressible = path
        .extension()
        .and_then(|extension| extension.to_str())
        .is_some_and(|extension| EXTENSIONS.contains(&extension.to_ascii_lowercase().as_str()));
    compressible && path != dir.join(RUNTIME_CONFIG)
}

/// The files under `dir` (at any depth) that get compressed copies, largest first. Symbolic
/// links are not followed.
pub fn candidates(dir: &Path) -> Result<Vec<(PathBuf, u64)>, Error> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(current) = pending.pop() {
        let entries = fs::read_dir(&current).map_err(Error::at(&current))?;
        for entry in entries {
            let entry = entry.map_err(Error::at(&current))?;
            let path = entry.path();
            let kind = entry.file_type().map_err(Error::at(&path))?;
            if kind.is_dir() {
                pending.push(path);
            } else if kind.is_file() && worth_compressing(dir, &path) {
                let size = entry.metadata().map_err(Error::at(&path))?.len();
                found.push((path, size));
            }
        }
    }
    found.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    Ok(found)
}

/// What was done for one file and one coding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// The file.
    pub path: PathBuf,
    /// The coding.
    pub encoding: Encoding,
    /// The file's size in bytes.
    pub raw: u64,
    /// The copy's size in bytes; `None` when it would not be smaller, so none was written.
    pub compressed: Option<u64>,
}

/// Writes `path`'s copy in `encoding` (with `path`'s modification time) when it is smaller
/// than `path`; otherwise removes an older copy, if any.
pub fn compress_file(path: &Path, encoding: Encoding) -> Result<Outcome, Error> {
    let data = fs::read(path).map_err(Error::at(path))?;
    let modified = fs::metadata(path)
        .and_then(|meta| meta.modified())
        .map_err(Error::at(path))?;
    let copy = encoding.copy_path(path);
    let compressed = encoding.compress(&data).map_err(Error::at(path))?;
    let raw = data.len() as u64;
    if compressed.len() >= data.len() {
        match fs::remove_file(&copy) {
            Ok(()) => {}
            Err(error) if error.kind() == io::ErrorKind::NotFound => {}
            Err(error) => return Err(Error::at(&copy)(error)),
        }
        return Ok(Outcome {
            path: path.to_path_buf(),
            encoding,
            raw,
            compressed: None,
        });
    }
    let mut file = fs::File::create(&copy).map_err(Error::at(&copy))?;
    file.write_all(&compressed).map_err(Error::at(&copy))?;
    file.set_modified(modified).map_err(Error::at(&copy))?;
    Ok(Outcome {
        path: path.to_path_buf(),
        encoding,
        raw,
        compressed: Some(compressed.len() as u64),
    })
}

/// Writes the compressed copies of every file under `dir` worth it, on `threads` threads
/// (the largest files first, so one large wasm does not finish last alone). The outcomes come
/// largest file first, brotli before gzip.
pub fn compress_dir(dir: &Path, threads: usize) -> Result<Vec<Outcome>, Error> {
    let files = candidates(dir)?;
    let jobs: Vec<(usize, &Path, Encoding)> = files
        .iter()
        .flat_map(|(path, _)| Encoding::ALL.map(|encoding| (path.as_path(), encoding)))
        .enumerate()
        .map(|(index, (path, encoding))| (index, path, encoding))
        .collect();
    let queue = Mutex::new(jobs.into_iter());
    let done = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..threads.max(1) {
            scope.spawn(|| {
                loop {
                    let next = queue.lock().map(|mut jobs| jobs.next()).ok().flatten();
                    let Some((index, path, encoding)) = next else {
                        break;
                    };
                    let outcome = compress_file(path, encoding);
                    if let Ok(mut done) = done.lock() {
                        done.push((index, outcome));
                    }
                }
            });
        }
    });
    let mut done = done.into_inner().map_err(|_| Error {
        path: dir.to_path_buf(),
        source: io::Error::other("a compression thread panicked"),
    })?;
    done.sort_by_key(|(index, _)| *index);
    done.into_iter().map(|(_, outcome)| outcome).collect()
}

/// A file that could not be read or written.
#[derive(Debug)]
pub struct Error {
    /// Which.
    pub path: PathBuf,
    /// Why.
    pub source: io::Error,
}

impl Error {
    /// Wraps an I/O error on `path`.
    pub fn at(path: &Path) -> impl FnOnce(io::Error) -> Error + '_ {
        move |source| Error {
            path: path.to_path_buf(),
            source,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.source)
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}
