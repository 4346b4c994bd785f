//! `cargo xtask order-file`: writes `crates/lamindb-cli/startup.order`, the functions that the
//! quick commands run, which the linker places together (see `crates/lamindb-cli/build.rs`).
//!
//! It builds the release `lamin` with the linker's map (`LAMIN_LINK_MAP`), runs `lamin info`,
//! `get`, `list --filter`, `search` and `--version` under valgrind's callgrind (which records
//! every instruction that executes), finds the addresses that ran in the map's input sections
//! (`.text.<symbol>`), writes their symbols, and builds again so that the binary uses the list.
//! The symbols carry hashes of the crate graph, profile and toolchain: rerun this after
//! `cargo update` or a toolchain change, and look at `cargo xtask bench cli`'s peak RSS.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Stdio};

use anyhow::{Context, Result, bail};

use crate::{release_build, workspace_root};

pub(crate) fn order_file() -> Result<()> {
    if Command::new("valgrind").arg("--version").output().is_err() {
        bail!("valgrind is needed (it records which functions run): install it and run again");
    }
    let tmp = std::env::temp_dir().join(format!("lamindb-order-{}", std::process::id()));
    std::fs::create_dir_all(&tmp)?;
    let result = (|| -> Result<()> {
        let map = tmp.join("lamin.map");
        let bin = release_build(Some(&map))?;
        let sections = read_map(&std::fs::read_to_string(&map).context("the linker map")?)?;

        let dir = tmp.join("instance");
        let uid = crate::cli::labelled_instance(&bin, &dir)?;

        let mut symbols = BTreeSet::new();
        let workloads: [&[&str]; 5] = [
            &["info"],
            &["get", "ulabel", &uid],
            &["list", "ulabel", "--filter", "name=T cell"],
            &["search", "ulabel", "cell"],
            &["--version"],
        ];
        for (i, args) in workloads.iter().enumerate() {
            let out_file = tmp.join(format!("callgrind.{i}"));
            let status = Command::new("valgrind")
                .arg("--tool=callgrind")
                .arg("--dump-instr=yes")
                .arg("--compress-pos=no")
                .arg(format!("--callgrind-out-file={}", out_file.display()))
                .arg(&bin)
                .args(*args)
                .current_dir(&dir)
                .env("LAMIN_SETTINGS_DIR", dir.join("settings"))
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()?;
            if !status.success() {
                bail!("lamin {args:?} failed under valgrind");
            }
            let text = std::fs::read_to_string(&out_file)?;
            for addr in executed(&text, &bin) {
                if let Some(sym) = section_of(&sections, addr) {
                    symbols.insert(sym.to_string());
                }
            }
        }
        if symbols.is_empty() {
            bail!("no function of the map ran: is the release profile's code in `.text.<symbol>` sections?");
        }
        let file = workspace_root().join("crates/lamindb-cli/startup.order");
        let text: String = symbols.iter().map(|s| format!("{s}\n")).collect();
        std::fs::write(&file, text)?;
        eprintln!("wrote {} symbols to {}", symbols.len(), file.display());
        release_build(None).map(|_| ())
    })();
    let _ = std::fs::remove_dir_all(&tmp);
    result
}

/// An input section of the code: its address, size and the symbol it defines.
struct Section {
    start: u64,
    size: u64,
    symbol: String,
}

/// The `.text.<symbol>` input sections of an LLD map (`VMA LMA Size Align Out In Symbol`
/// columns, hexadecimal numbers), by address.
fn read_map(text: &str) -> Result<Vec<Section>> {
    let mut out: Vec<Section> = text
        .lines()
        .filter_map(|line| {
            let mut cols = line.split_whitespace();
            let start = u64::from_str_radix(cols.next()?, 16).ok()?;
            let _lma = cols.next()?;
            let size = u64::from_str_radix(cols.next()?, 16).ok()?;
            let rest: Vec<&str> = cols.skip(1).collect();
            let input = rest.last()?;
            let section = input.rsplit_once(":(.text.")?.1.strip_suffix(')')?;
            // LLVM's prefixes for cold and hot code: `.text.unlikely.<symbol>`, ….
            let symbol = ["unlikely.", "hot.", "startup.", "exit.", "split."]
                .iter()
                .find_map(|p| section.strip_prefix(p))
                .unwrap_or(section);
            (size > 0).then(|| Section { start, size, symbol: symbol.to_string() })
        })
        .collect();
    if out.is_empty() {
        bail!("no `.text.<symbol>` input sections in the linker map");
    }
    out.sort_by_key(|s| s.start);
    Ok(out)
}

fn section_of(sections: &[Section], addr: u64) -> Option<&str> {
    let i = sections.partition_point(|s| s.start <= addr).checked_sub(1)?;
    let s = &sections[i];
    (addr < s.start + s.size).then_some(s.symbol.as_str())
}

/// The addresses of the instructions callgrind saw run in `bin` (`--dump-instr=yes
/// --compress-pos=no`: each cost line starts with its instruction's address). Addresses, not
/// functions: a stripped binary's functions are known to callgrind only by the address it
/// entered them at, and code reached by a jump (a tail call) would be missed. Object names are
/// given once, on the first `ob=`/`cob=` line with an id, then the id alone.
fn executed(text: &str, bin: &Path) -> Vec<u64> {
    let wanted = [bin.to_path_buf(), bin.canonicalize().unwrap_or_else(|_| bin.to_path_buf())];
    let mut objects = std::collections::HashMap::new();
    let mut name = |rest: &str| -> Option<String> {
        let (id, label) = rest.split_once(')')?;
        let label = label.trim();
        if !label.is_empty() {
            objects.insert(id.to_string(), label.to_string());
        }
        objects.get(id).cloned()
    };
    let mut in_bin = false;
    let mut out = Vec::new();
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("ob=(") {
            in_bin = name(rest).is_some_and(|p| wanted.iter().any(|w| Path::new(&p) == w));
        } else if let Some(rest) = line.strip_prefix("cob=(") {
            name(rest);
        } else if in_bin && line.starts_with("0x") {
            let first = line.split_whitespace().next().unwrap_or_default();
            if let Ok(addr) = u64::from_str_radix(&first[2..], 16) {
                out.push(addr);
            }
        }
    }
    out
}
