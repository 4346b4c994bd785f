//! LaminDB's canonical suffixes (lamindb-setup `core/canonical_suffix.py`).
//!
//! The `Artifact.suffix` column holds a *canonical* suffix: lower-cased, and only when it names a
//! known format (`.csv`, `.h5ad`, `.parquet`, …), a composite format (`.anndata.zarr`,
//! `.ome.zarr`, …) or a stream encoding on top of a known format (`.csv.gz`, `.tar.gz`,
//! `.h5ad.tar.xz`); anything else gives `""`. The *raw* suffix (the lower-cased last suffix, or the
//! matched compound) is what LaminDB compares between a key and a path.

/// Simple formats: MIME-registry suffixes plus bio/ML formats, as in LaminDB 2.12.1.
pub const SIMPLE_FORMATS: &[&str] = &[
    // MIME type suffixes
    ".3g2",
    ".3gp",
    ".3gpp",
    ".3gpp2",
    ".a",
    ".aac",
    ".adts",
    ".ai",
    ".aif",
    ".aifc",
    ".aiff",
    ".ass",
    ".au",
    ".avi",
    ".avif",
    ".bat",
    ".bcpio",
    ".bin",
    ".bmp",
    ".c",
    ".cdf",
    ".cpio",
    ".csh",
    ".css",
    ".csv",
    ".dll",
    ".doc",
    ".dot",
    ".dvi",
    ".eml",
    ".eps",
    ".etx",
    ".exe",
    ".gif",
    ".gtar",
    ".h",
    ".h5",
    ".hdf",
    ".heic",
    ".heif",
    ".htm",
    ".html",
    ".ico",
    ".ief",
    ".jpe",
    ".jpeg",
    ".jpg",
    ".js",
    ".json",
    ".ksh",
    ".latex",
    ".loas",
    ".m1v",
    ".m3u",
    ".m3u8",
    ".man",
    ".markdown",
    ".md",
    ".me",
    ".mht",
    ".mhtml",
    ".mid",
    ".midi",
    ".mif",
    ".mjs",
    ".mov",
    ".movie",
    ".mp2",
    ".mp3",
    ".mp4",
    ".mpa",
    ".mpe",
    ".mpeg",
    ".mpg",
    ".ms",
    ".n3",
    ".nc",
    ".nq",
    ".nt",
    ".nws",
    ".o",
    ".obj",
    ".oda",
    ".opus",
    ".p12",
    ".p7c",
    ".pbm",
    ".pct",
    ".pdf",
    ".pfx",
    ".pgm",
    ".pic",
    ".pict",
    ".pl",
    ".png",
    ".pnm",
    ".pot",
    ".ppa",
    ".ppm",
    ".pps",
    ".ppt",
    ".ps",
    ".pwz",
    ".py",
    ".pyc",
    ".pyo",
    ".qt",
    ".ra",
    ".ram",
    ".ras",
    ".rdf",
    ".rgb",
    ".roff",
    ".rtf",
    ".rtx",
    ".sgm",
    ".sgml",
    ".sh",
    ".shar",
    ".snd",
    ".so",
    ".src",
    ".srt",
    ".sv4cpio",
    ".sv4crc",
    ".svg",
    ".swf",
    ".t",
    ".tar",
    ".tcl",
    ".tex",
    ".texi",
    ".texinfo",
    ".tif",
    ".tiff",
    ".tr",
    ".trig",
    ".tsv",
    ".txt",
    ".ustar",
    ".vcf",
    ".vtt",
    ".wasm",
    ".wav",
    ".webm",
    ".webmanifest",
    ".webp",
    ".wiz",
    ".wsdl",
    ".xbm",
    ".xlb",
    ".xls",
    ".xml",
    ".xpdl",
    ".xpm",
    ".xsl",
    ".xul",
    ".xwd",
    ".zip",
    // bioinformatics / genomics
    ".fasta",
    ".fastq",
    ".fa",
    ".bam",
    ".sam",
    ".cram",
    ".bcf",
    ".bed",
    ".gff",
    ".gff3",
    ".gtf",
    ".bigwig",
    ".bw",
    ".bedgraph",
    ".gb",
    ".genbank",
    ".embl",
    ".nwk",
    ".newick",
    ".obo",
    ".fcs",
    // single-cell / omics
    ".h5ad",
    ".h5mu",
    ".loom",
    // tabular / dataframes
    ".parquet",
    ".xlsx",
    ".arrow",
    ".feather",
    ".orc",
    ".avro",
    // arrays / matrices
    ".mtx",
    ".npy",
    ".npz",
    ".hdf5",
    // array stores
    ".zarr",
    ".tiledb",
    ".tiledbsoma",
    ".soma",
    // serialization / config
    ".jsonl",
    ".ndjson",
    ".yaml",
    ".yml",
    ".pkl",
    ".pickle",
    ".qs",
    ".rds",
    // ml models & weights
    ".pt",
    ".pth",
    ".ckpt",
    ".state_dict",
    ".keras",
    ".pb",
    ".pbtxt",
    ".savedmodel",
    ".safetensors",
    ".model",
    ".mlmodel",
    ".mar",
    ".onnx",
    ".gguf",
    ".tflite",
    ".joblib",
    // images / microscopy
    ".dcm",
    ".nd2",
    ".czi",
    ".lif",
    ".svs",
    // documents, archives, databases, misc
    ".ipynb",
    ".rar",
    ".7z",
    ".db",
    ".duckdb",
    ".sqlite",
    ".data",
];

/// Composite formats, preferred over their trailing simple suffix.
pub const COMPOSITE_FORMATS: &[&str] =
    &[".anndata.zarr", ".vitessce.json", ".ome.zarr", ".ome.h5", ".ome.hdf5"];

/// Stream encodings appended to another suffix (`.csv.gz`, `.tar.xz`).
pub const ENCODING_FORMATS: &[&str] = &[".gz", ".bz2", ".xz", ".zst"];

fn is_simple(s: &str) -> bool {
    static SIMPLE: std::sync::LazyLock<std::collections::HashSet<&'static str>> =
        std::sync::LazyLock::new(|| SIMPLE_FORMATS.iter().copied().collect());
    SIMPLE.contains(s)
}

fn is_encoding(s: &str) -> bool {
    ENCODING_FORMATS.contains(&s)
}

/// The last component of a `/`-separated path.
fn name_of(path: &str) -> &str {
    path.trim_end_matches('/').rsplit('/').next().unwrap_or_default()
}

/// The suffixes of the last component of a `/`-separated path, lower-cased, as Python's
/// `PurePath.suffixes`: none when the name ends with `.`; leading dots are not suffixes
/// (`.bashrc` has none).
fn suffixes(path: &str) -> Vec<String> {
    let name = name_of(path);
    if name.ends_with('.') {
        return Vec::new();
    }
    let name = name.trim_start_matches('.');
    name.split('.').skip(1).map(|s| format!(".{}", s.to_lowercase())).collect()
}

/// The canonical and the raw suffix of a path or key, as LaminDB's
/// `CanonicalSuffix.extract_from_path`: `data/x.CSV` → (`.csv`, `.csv`), `x.abcdef` → (`""`,
/// `.abcdef`), `a.h5ad.tar.gz` → (`.h5ad.tar.gz`, same), `x.random.gz` → (`.gz`, `.gz`).
pub fn extract(path: &str) -> (String, String) {
    let name = name_of(path);
    if !name.is_ascii() {
        // Unicode lower-casing depends on the context (a final sigma): each suffix on its own.
        let sfx = suffixes(path);
        return extract_from(&sfx.iter().map(String::as_str).collect::<Vec<_>>());
    }
    // ASCII names (nearly all): the suffixes are slices of one lower-cased copy.
    if name.ends_with('.') {
        return (String::new(), String::new());
    }
    let name = name.trim_start_matches('.');
    let Some(first) = name.find('.') else { return (String::new(), String::new()) };
    let tail = name[first..].to_ascii_lowercase();
    let starts: Vec<usize> = tail.match_indices('.').map(|(i, _)| i).collect();
    let parts: Vec<&str> = starts
        .iter()
        .enumerate()
        .map(|(k, &i)| &tail[i..starts.get(k + 1).copied().unwrap_or(tail.len())])
        .collect();
    extract_from(&parts)
}

/// [`extract`] of a name's lower-cased suffixes.
fn extract_from(sfx: &[&str]) -> (String, String) {
    let last = sfx.last().copied().unwrap_or_default();
    let both = |s: &str| (s.to_string(), s.to_string());
    if sfx.len() < 2 {
        if is_simple(last) || is_encoding(last) {
            return both(last);
        }
        return (String::new(), last.to_string());
    }
    let total: String = sfx.concat();
    if let Some(c) = COMPOSITE_FORMATS.iter().find(|c| total.ends_with(*c)) {
        return both(c);
    }
    if is_simple(last) {
        return both(last);
    }
    if is_encoding(last) {
        let n = sfx.len();
        let pair = format!("{}{}", sfx[n - 2], last);
        if sfx[n - 2] == ".tar" {
            if n > 2 && is_simple(sfx[n - 3]) {
                return both(&format!("{}{pair}", sfx[n - 3]));
            }
            return both(&pair);
        }
        if is_simple(sfx[n - 2]) {
            return both(&pair);
        }
        return both(last);
    }
    (String::new(), last.to_string())
}

/// The canonical suffix of a path or key (`""` for unknown formats and folders without one).
pub fn canonical(path: &str) -> String {
    extract(path).0
}

/// The raw suffix LaminDB compares between a key and a path.
pub fn raw(path: &str) -> String {
    extract(path).1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn both(p: &str) -> (String, String) {
        extract(p)
    }

    fn pair(a: &str, b: &str) -> (String, String) {
        (a.to_string(), b.to_string())
    }

    #[test]
    fn lamindb_docstring_examples() {
        assert_eq!(both("data/sample.csv"), pair(".csv", ".csv"));
        assert_eq!(both("myfile.abcdedf"), pair("", ".abcdedf"));
        assert_eq!(both("data/sample.csv.gz"), pair(".csv.gz", ".csv.gz"));
        assert_eq!(both("data/sample.anndata.zarr"), pair(".anndata.zarr", ".anndata.zarr"));
        assert_eq!(both("image.PNG"), pair(".png", ".png"));
        assert_eq!(both("archive.tar.gz"), pair(".tar.gz", ".tar.gz"));
        assert_eq!(both("filename.h5ad.tar.xz"), pair(".h5ad.tar.xz", ".h5ad.tar.xz"));
        assert_eq!(both("file.random.gz"), pair(".gz", ".gz"));
        assert_eq!(both("sample.OME.ZARR"), pair(".ome.zarr", ".ome.zarr"));
        assert_eq!(both("unknown.XYZ"), pair("", ".xyz"));
    }

    #[test]
    fn ascii_names_take_the_same_suffixes_as_any_other() {
        let parts = ["", "a", "CSV", "tar", "GZ", "h5ad", "ome", "zarr", "Anndata", "x1", "bz2"];
        for a in parts {
            for b in parts {
                for c in parts {
                    for name in [
                        format!("f.{a}.{b}.{c}"),
                        format!(".{a}.{b}"),
                        format!("d/{a}.{b}.{c}."),
                        format!("{a}.{b}"),
                    ] {
                        let general =
                            extract_from(&suffixes(&name).iter().map(String::as_str).collect::<Vec<_>>());
                        assert_eq!(extract(&name), general, "{name}");
                    }
                }
            }
        }
    }

    #[test]
    fn edge_cases() {
        assert_eq!(both("folder"), pair("", ""));
        assert_eq!(both("folder/"), pair("", ""));
        assert_eq!(both(".bashrc"), pair("", ""));
        assert_eq!(both("name."), pair("", ""));
        assert_eq!(both("x.gz"), pair(".gz", ".gz"));
        assert_eq!(both("a.b.c.tar.gz"), pair(".c.tar.gz", ".c.tar.gz"));
        assert_eq!(both("a.b.q.tar.gz"), pair(".tar.gz", ".tar.gz"));
        assert_eq!(both("a.csv.tar.bz2"), pair(".csv.tar.bz2", ".csv.tar.bz2"));
        assert_eq!(both("x.2022_07_03_txt"), pair("", ".2022_07_03_txt"));
        assert_eq!(both("my.data.csv"), pair(".csv", ".csv"));
        assert_eq!(both("a.vitessce.json"), pair(".vitessce.json", ".vitessce.json"));
        assert_eq!(both("dir.x/file.parquet"), pair(".parquet", ".parquet"));
        assert_eq!(canonical("x.tsv"), ".tsv");
        assert_eq!(raw("k.txt"), ".txt");
    }
}
