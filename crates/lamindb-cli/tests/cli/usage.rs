//! `lamin` end to end: usage, records, queries.

#[allow(unused_imports)]
use super::sandbox::*;
#[test]
fn help_lists_the_subcommands() {
    let sb = Sandbox::new();
    let run = sb.run(&["--help"]).ok();
    for sub in ["init", "connect", "disconnect", "info", "delete", "storage", "settings"] {
        assert!(run.stdout.lines().any(|l| l.trim_start().starts_with(sub)), "{sub} missing:\n{run:#?}");
    }
    // Grouped as lamin-cli groups them: each command under its heading, with its summary.
    let section = |heading: &str| -> Vec<String> {
        let start = run
            .stdout
            .find(&format!("{heading}:\n"))
            .unwrap_or_else(|| panic!("no {heading}:\n{}", run.stdout));
        let body = &run.stdout[start + heading.len() + 2..];
        body.lines()
            .take_while(|l| l.starts_with("  "))
            .map(|l| l.split_whitespace().next().unwrap().to_string())
            .collect()
    };
    assert_eq!(section("Configure your environment"), ["connect", "info", "init", "disconnect"]);
    assert_eq!(section("Save, load, create & delete"), ["save", "load", "create", "delete", "restore"]);
    assert!(section("Track shell scripts & commands").contains(&"track".to_string()));
    assert!(run.stdout.contains("  save         Save files or folders as artifacts"), "{}", run.stdout);
    assert!(run.stdout.contains("Options:\n") && run.stdout.contains("--version"), "{}", run.stdout);
    // -h prints the same groups.
    assert!(sb.run(&["-h"]).ok().stdout.contains("Configure your environment:\n  connect"));
    let run = sb.run(&["storage", "--help"]).ok();
    for sub in ["add", "list", "get", "delete"] {
        assert!(run.stdout.lines().any(|l| l.trim_start().starts_with(sub)), "{sub} missing:\n{run:#?}");
    }
}

#[test]
fn usage_errors_exit_2() {
    let sb = Sandbox::new();
    let run = sb.run(&["bogus"]).fails(2);
    assert!(run.stderr.contains("unrecognized subcommand 'bogus'"), "{run:#?}");
    let run = sb.run(&["init"]).fails(2);
    assert!(run.stderr.contains("--storage"), "{run:#?}");
    assert_eq!(sb.files(), Vec::<String>::new());
}

#[test]
fn create_list_search_lookup_and_the_trash() {
    for_each_backend("create_list_search_lookup_and_the_trash", |b| {
        let sb = Sandbox::with_instance(b);
        let names = ["cell", "cell type", "T cell", "B cell|T cell", "celltype", "my cellular thing"];
        let mut args = vec!["create", "ulabel"];
        args.extend(names);
        let created = sb.run(&args).ok();
        assert!(created.stderr.contains("created 6 ulabel(s), 0 existed already"), "{created:#?}");
        let again = sb.run(&["create", "ULabel", "cell"]).ok();
        assert!(again.stderr.contains("returning ulabel with same name: 'cell'"), "{again:#?}");
        let hits = sb.run(&["search", "ulabel", "cell", "--json"]).ok().json();
        let got: Vec<(&str, u64)> = hits
            .as_array()
            .unwrap()
            .iter()
            .map(|h| (h["name"].as_str().unwrap(), h["score"].as_u64().unwrap()))
            .collect();
        assert_eq!(
            got,
            [
                ("cell", 423),
                ("cell type", 15),
                ("T cell", 15),
                ("B cell|T cell", 15),
                ("celltype", 11),
                ("my cellular thing", 3)
            ]
        );
        let listed = sb
            .run(&[
                "list",
                "ulabel",
                "--filter",
                r#"(name__startswith="cell" | name="T cell") & !name__contains=" ""#,
                "--order-by",
                "-name",
                "--json",
            ])
            .ok()
            .json();
        let listed: Vec<&str> =
            listed.as_array().unwrap().iter().map(|r| r["name"].as_str().unwrap()).collect();
        assert_eq!(listed, ["celltype", "cell"]);
        let lookup = sb.run(&["lookup", "ulabel", "--json"]).ok().json();
        assert_eq!(lookup["b_cell_t_cell"]["value"], "B cell|T cell");
        assert_eq!(lookup["my_cellular_thing"]["id"], 6);
        let table = sb.run(&["list", "ulabel", "--limit", "2"]).ok();
        assert!(table.stdout.contains("cell type") && !table.stdout.contains("celltype"), "{table:#?}");
        // The trash: hidden, visible by uid, restorable.
        let uid = sb.run(&["get", "ulabel", "1", "--json"]).ok().json()["uid"].as_str().unwrap().to_string();
        let deleted = sb.run(&["delete", "ulabel", &uid[..4]]).ok();
        assert!(deleted.stderr.contains("moved ULabel 1 to trash"), "{deleted:#?}");
        assert_eq!(sb.run(&["list", "ulabel", "--count"]).ok().stdout.trim(), "5");
        assert_eq!(sb.run(&["list", "ulabel", "--count", "--all-branches"]).ok().stdout.trim(), "6");
        assert_eq!(sb.run(&["get", "ulabel", &uid, "--json"]).ok().json()["branch_id"], -1);
        sb.run(&["restore", "ulabel", "1"]).ok();
        assert_eq!(sb.run(&["list", "ulabel", "--count"]).ok().stdout.trim(), "6");
        sb.run(&["delete", "ulabel", "1", "--permanent"]).ok();
        assert_eq!(sb.run(&["list", "ulabel", "--count", "--all-branches"]).ok().stdout.trim(), "5");
    });
}

#[test]
fn create_from_file_in_one_transaction() {
    let sb = Sandbox::with_instance(Backend::Sqlite);
    let file = sb.work("names.txt");
    std::fs::write(&file, "a\nb\n\n  c  \na\n").unwrap();
    let run = sb.run(&["create", "ulabel", "--from-file", &file, "--description", "bulk"]).ok();
    assert!(run.stderr.contains("created 3 ulabel(s)"), "{run:#?}");
    let rows = sb.run(&["list", "ulabel", "--filter", "description=bulk", "--json"]).ok().json();
    assert_eq!(rows.as_array().unwrap().len(), 3);
    let missing = sb.run(&["create", "ulabel", "--from-file", &sb.work("nope.txt")]).fails(1);
    assert!(missing.stderr.contains("nope.txt"), "{missing:#?}");
    sb.run(&["create", "storage", "x"]).fails(1);
}

#[test]
fn query_errors_are_clear_and_change_nothing() {
    let sb = Sandbox::with_instance(Backend::Sqlite);
    sb.run(&["create", "ulabel", "x"]).ok();
    for (args, msg) in [
        (
            vec!["list", "ulabel", "--filter", "nme=1"],
            "error: Unknown field 'nme'. Available fields: branch, branch_id,",
        ),
        (vec!["list", "ulabel", "--filter", "(name=\"x\""], "expected ')'"),
        (vec!["list", "ulabel", "--filter", "name=\"x"], "unterminated string"),
        (
            vec!["get", "ulabel", "zzzzzzzz"],
            "No record found with uid 'zzzzzzzz'. Did you forget a keyword as in ULabel.get(name='zzzzzzzz')?",
        ),
        (vec!["list", "ulabel", "--filter", "' OR 1=1 --"], "expected a field name"),
        (vec!["delete", "user", "1"], "Soft delete is not possible for User"),
        (vec!["search", "ulabel", " "], "Cannot search for None value!"),
    ] {
        let run = sb.run(&args).fails(1);
        assert!(run.stderr.contains(msg), "{args:?}: {run:#?}");
    }
    // An unknown registry is a usage error that lists the registries.
    let nosuch = sb.run(&["list", "nosuch"]).fails(2);
    assert!(
        nosuch.stderr.contains("invalid value 'nosuch'") && nosuch.stderr.contains("ulabel, artifact"),
        "{nosuch:#?}"
    );
    let injected = sb.run(&["list", "ulabel", "--filter", r#"name="x' OR 1=1 --""#, "--count"]).ok();
    assert_eq!(injected.stdout.trim(), "0");
    assert_eq!(sb.run(&["list", "ulabel", "--count"]).ok().stdout.trim(), "1");
    assert_eq!(sb.run(&["list", "user", "--count"]).ok().stdout.trim(), "1");
}

#[test]
fn reading_another_instance_with_instance_flag() {
    let sb = Sandbox::with_instance(Backend::Sqlite);
    sb.run(&["create", "ulabel", "in-first"]).ok();
    sb.run(&["init", "--storage", "./second"]).ok();
    assert_eq!(sb.run(&["list", "ulabel", "--count"]).ok().stdout.trim(), "0");
    let other = sb.run(&["list", "ulabel", "--instance", "mydata", "--json"]).ok().json();
    assert_eq!(other[0]["name"], "in-first");
    let by_path =
        sb.run(&["search", "ulabel", "first", "--instance", &sb.work("mydata"), "--json"]).ok().json();
    assert_eq!(by_path[0]["name"], "in-first");
}

/// What the user types after `name=` is the value, whatever the shell left of their quotes.
#[test]
fn filter_values_are_taken_as_typed() {
    let sb = Sandbox::with_instance(Backend::Sqlite);
    let names = ["T cell", "Crohn's disease", "a & b | c", "x=y", "T"];
    for n in names {
        sb.run(&["create", "ulabel", n]).ok();
    }
    for n in names {
        let filter = format!("name={n}");
        let found = sb.run(&["list", "ulabel", "--filter", &filter, "--json"]).ok().json();
        let found = found.as_array().unwrap();
        assert_eq!(found.len(), 1, "{filter}: {found:?}");
        assert_eq!(found[0]["name"], n);
    }
    // Quoted values, and whole expressions, as before.
    let quoted = sb.run(&["list", "ulabel", "--filter", "name=\"T cell\"", "--json"]).ok().json();
    assert_eq!(quoted.as_array().unwrap().len(), 1);
    let either = sb.run(&["list", "ulabel", "--filter", "name=\"T\" | name=\"x=y\"", "--json"]).ok().json();
    assert_eq!(either.as_array().unwrap().len(), 2);
    let excluded = sb.run(&["list", "ulabel", "--exclude", "name=T cell", "--json"]).ok().json();
    assert_eq!(excluded.as_array().unwrap().len(), names.len() - 1);
    let help = sb.run(&["list", "--help"]).ok();
    assert!(help.stdout.contains("--filter \"name=T cell\""), "{help:#?}");
}

/// Completion scripts load in bash and offer the subcommands and the registries.
#[test]
fn completions_load_in_bash_and_know_the_registries() {
    let sb = Sandbox::new();
    let script = sb.run(&["completions", "bash"]).ok().stdout;
    assert!(script.contains("ulabel") && script.contains("artifact") && script.contains("doctor"));
    let path = sb.root.join("lamin.bash");
    std::fs::write(&path, &script).unwrap();
    let out = Command::new("bash")
        .arg("-c")
        .arg(format!("source {} && complete -p lamin", path.display()))
        .output()
        .expect("run bash");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("lamin"));
    for shell in ["zsh", "fish", "powershell"] {
        assert!(sb.run(&["completions", shell]).ok().stdout.contains("ulabel"), "{shell}");
    }
    sb.run(&["completions", "tcsh"]).fails(2);
}

/// `lamin completions <shell>` on a full disk is an error with a message, and into a pipe that
/// was closed it ends quietly: it never panics.
#[test]
fn completions_report_a_full_disk_and_end_quietly_on_a_closed_pipe() {
    let sb = Sandbox::new();
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let full = sb.run_failing_stdout(BadStdout::Full, &["completions", shell]).fails(1);
        assert!(
            full.stderr.starts_with("error: cannot write to standard output: No space left on device"),
            "{full:#?}"
        );
        assert!(!full.stderr.contains("panicked"), "{full:#?}");
        let pipe = sb.run_failing_stdout(BadStdout::ClosedPipe, &["completions", shell]).ok();
        assert_eq!(pipe.stderr, "", "{pipe:#?}");
    }
}

/// `source <(COMPLETE=bash lamin)`: TAB asks `lamin` itself, which knows the fields of the
/// registry on the line and the instances in the settings.
#[test]
fn dynamic_completions_offer_fields_lookups_and_instances() {
    let sb = Sandbox::with_instance(Backend::Sqlite);
    let complete = |line: &str| -> Vec<String> {
        let script = r#"
            source <(COMPLETE=bash "$LAMIN") || exit 3
            read -ra COMP_WORDS <<< "$LINE"
            [[ "$LINE" == *" " ]] && COMP_WORDS+=("")
            COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 )); COMP_LINE="$LINE"; COMP_POINT=${#LINE}; COMP_TYPE=9
            fn=$(complete -p lamin | sed -E 's/.*-F ([^ ]+).*/\1/')
            "$fn" lamin "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
            printf '%s\n' "${COMPREPLY[@]}"
        "#;
        let out = Command::new("bash")
            .arg("-c")
            .arg(script)
            .env("LAMIN", env!("CARGO_BIN_EXE_lamin"))
            .env("LINE", line)
            .env("LAMIN_SETTINGS_DIR", sb.root.join("settings"))
            .env("HOME", sb.root.join("home"))
            .current_dir(sb.root.join("work"))
            .output()
            .expect("run bash");
        assert!(out.status.success(), "{line}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap().lines().map(str::to_string).collect()
    };
    assert_eq!(complete("lamin list ulabel --filter na"), ["name=", "name__"]);
    assert_eq!(complete("lamin list ulabel --filter name__sta"), ["name__startswith="]);
    assert!(complete("lamin list artifact --filter ulab").contains(&"ulabels__".to_string()));
    assert_eq!(complete("lamin df artifact --order-by -si"), ["-size"]);
    assert_eq!(complete("lamin search ulabel T --field descr"), ["description"]);
    assert_eq!(complete("lamin connect my"), ["mydata"]);
    assert_eq!(complete("lamin list ulabel --instance anonymous/"), ["anonymous/mydata"]);
    // Static parts still complete: subcommands and registries.
    assert!(complete("lamin li").contains(&"list".to_string()));
    assert!(complete("lamin list ula").contains(&"ulabel".to_string()));
}

/// `lamin man`: a roff page on stdout, or one page per command (subcommands included) in a folder,
/// which `man` renders.
#[test]
fn man_pages_for_lamin_and_every_command() {
    let sb = Sandbox::new();
    let page = sb.run(&["man"]).ok().stdout;
    assert!(page.contains(".TH lamin 1"), "{page}");
    for sub in ["init", "save", "df", "transfer"] {
        assert!(page.contains(&format!("lamin\\-{sub}(1)")), "{sub} missing from SUBCOMMANDS:\n{page}");
    }
    let dir = sb.root.join("man1");
    let run = sb.run(&["man", "--dir", dir.to_str().unwrap()]).ok();
    assert!(run.stderr.starts_with("→ wrote manual pages into"), "{run:#?}");
    for file in ["lamin.1", "lamin-save.1", "lamin-storage-add.1", "lamin-io-export.1"] {
        assert!(dir.join(file).is_file(), "{file} missing");
    }
    let save = std::fs::read_to_string(dir.join("lamin-save.1")).unwrap();
    assert!(save.contains("\\-\\-one\\-per\\-file"), "{save}");
    // Rendered by man where the machine has it.
    if let Ok(out) =
        Command::new("man").arg("-l").arg(dir.join("lamin-save.1")).env("MANWIDTH", "100").output()
    {
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success() && text.contains("Save files or folders as artifacts"), "{text}");
    } else {
        println!("skipped: rendering with man (not installed)");
    }
}

/// `lamin update` changes a record's name, description and plain fields, validated, on every
/// backend; keys, relations and an artifact's bytes cannot change this way.
#[test]
fn update_changes_plain_fields_after_validation() {
    for_each_backend("update_changes_plain_fields_after_validation", |b| {
        let sb = Sandbox::with_instance(b);
        let uid = sb.run(&["create", "ulabel", "T cel", "--json"]).ok().json()[0]["uid"]
            .as_str()
            .unwrap()
            .to_string();
        let updated = sb
            .run(&[
                "update",
                "ulabel",
                &uid,
                "--name",
                "T cell",
                "--description",
                "from the atlas",
                "--set",
                "reference=CL:0000084",
                "--json",
            ])
            .ok()
            .json();
        assert_eq!(updated["name"], "T cell");
        assert_eq!(updated["description"], "from the atlas");
        assert_eq!(updated["reference"], "CL:0000084");
        let got = sb.run(&["get", "ulabel", &uid, "--json"]).ok().json();
        assert_eq!(got["name"], "T cell");

        std::fs::write(sb.work("a.txt"), "a").unwrap();
        let art = sb.run(&["save", "a.txt", "--key", "a.txt"]).ok().stdout.trim().to_string();
        let a = sb.run(&["update", "artifact", &art, "--description", "raw counts", "--json"]).ok().json();
        assert_eq!(a["description"], "raw counts");
        for (args, msg) in [
            (vec!["update", "artifact", &art, "--name", "b.txt"], "Artifact.key cannot be changed"),
            (vec!["update", "ulabel", &uid, "--set", "uid=abcdefgh"], "ULabel.uid cannot be changed"),
            (vec!["update", "ulabel", &uid, "--set", "created_by=2"], "cannot be changed"),
            (vec!["update", "ulabel", &uid, "--set", "nosuch=1"], "Unknown field 'nosuch'"),
            (vec!["update", "ulabel", &uid, "--name", ""], "name"),
            (vec!["update", "ulabel", &uid], "nothing to update"),
            (vec!["update", "ulabel", "zzzzzzzz", "--name", "x"], "No record found"),
        ] {
            let run = sb.run(&args).fails(1);
            assert!(run.stderr.contains(msg), "{args:?}: {run:#?}");
        }
        assert_eq!(
            sb.run(&["get", "ulabel", &uid, "--json"]).ok().json()["name"],
            "T cell",
            "nothing changed"
        );
    });
}

#[test]
fn the_binary_needs_only_the_c_library() {
    let lamin = env!("CARGO_BIN_EXE_lamin");
    let out = match Command::new("ldd").arg(lamin).output() {
        Ok(out) => out,
        Err(e) => {
            eprintln!("the_binary_needs_only_the_c_library: skipped: ldd ({e})");
            return;
        }
    };
    let text = String::from_utf8_lossy(&out.stdout);
    let libs: Vec<&str> = text.lines().filter_map(|l| l.split_whitespace().next()).collect();
    let c_runtime = [
        "linux-vdso.so",
        "libc.so",
        "libm.so",
        "libgcc_s.so",
        "ld-linux",
        "libpthread.so",
        "libdl.so",
        "librt.so",
    ];
    let others: Vec<&&str> = libs.iter().filter(|l| !c_runtime.iter().any(|c| l.contains(c))).collect();
    assert!(others.is_empty(), "lamin links more than the C library: {others:?}\n{text}");
    assert!(libs.iter().any(|l| l.contains("libc.so")), "{text}");
}

/// On Linux `lamin` is linked at a fixed address (build.rs): the loader has no relocations of
/// its own code and data to apply at start (ELF type EXEC, not the DYN of a position-independent
/// executable).
#[test]
#[cfg(target_os = "linux")]
fn the_binary_starts_without_relocating_itself() {
    let bytes = std::fs::read(env!("CARGO_BIN_EXE_lamin")).unwrap();
    assert_eq!(&bytes[..4], b"\x7fELF");
    let e_type = u16::from_le_bytes([bytes[16], bytes[17]]);
    assert_eq!(e_type, 2, "ELF type {e_type}: 2 is a fixed-address executable, 3 a position-independent one");
}
