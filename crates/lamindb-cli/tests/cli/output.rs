//! `lamin` end to end: what every command does with its stdout. A write that fails is an error
//! with a message (exit 1); a reader that went away (a closed pipe, `lamin list ulabel | head -1`)
//! ends the command quietly with status 0. Control characters in printed values are escaped in
//! tables and field listings, and exact in JSON.

#[allow(unused_imports)]
use super::sandbox::*;

/// An instance with a label, an artifact and a file to save; and the commands that print.
fn printing_commands(sb: &Sandbox) -> Vec<Vec<&'static str>> {
    sb.run(&["create", "ulabel", "T cell"]).ok();
    std::fs::write(sb.work("data.csv"), "a,b\n1,x\n").unwrap();
    std::fs::write(sb.work("more.csv"), "a,b\n2,y\n").unwrap();
    sb.run(&["save", "data.csv", "--key", "data.csv"]).ok();
    let mut commands = vec![
        vec!["list", "ulabel"],
        vec!["list", "ulabel", "--json"],
        vec!["list", "ulabel", "--count"],
        vec!["get", "ulabel", "1"],
        vec!["get", "ulabel", "1", "--json"],
        vec!["info"],
        vec!["info", "--json"],
        vec!["describe", "ulabel", "1"],
        vec!["describe", "artifact", "1", "--json"],
        vec!["storage", "list"],
        vec!["storage", "get", "1"],
        vec!["search", "ulabel", "cell"],
        vec!["lookup", "ulabel"],
        vec!["load", "--key", "data.csv"],
        vec!["load", "--key", "data.csv", "--df"],
        vec!["save", "more.csv", "--key", "more.csv"],
        vec!["save", "more.csv", "--key", "more.csv", "--json"],
        vec!["doctor", "--json"],
        vec!["man"],
        vec!["--help"],
        vec!["--version"],
    ];
    if cfg!(feature = "frame") {
        commands.extend([vec!["df", "ulabel"], vec!["df", "ulabel", "--format", "csv"]]);
    }
    commands
}

#[test]
fn a_full_disk_on_stdout_fails_every_command_with_a_message() {
    let sb = Sandbox::with_instance(Backend::Sqlite);
    for args in printing_commands(&sb) {
        let run = sb.run_failing_stdout(BadStdout::Full, &args).fails(1);
        assert!(
            run.stderr.contains("error: cannot write to standard output: No space left on device"),
            "{run:#?}"
        );
    }
    // The save itself went through: only its report was lost.
    let saved = sb.run(&["list", "artifact", "--json"]).ok().json();
    assert_eq!(saved.as_array().map(Vec::len), Some(2), "{saved:#}");
}

#[test]
fn a_closed_pipe_on_stdout_ends_every_command_quietly_with_status_0() {
    let sb = Sandbox::with_instance(Backend::Sqlite);
    for args in printing_commands(&sb) {
        let run = sb.run_failing_stdout(BadStdout::ClosedPipe, &args).ok();
        assert!(!run.stderr.contains("error"), "{run:#?}");
    }
    let saved = sb.run(&["list", "artifact", "--json"]).ok().json();
    assert_eq!(saved.as_array().map(Vec::len), Some(2), "{saved:#}");
}

#[test]
fn control_characters_in_names_are_escaped_in_tables_and_exact_in_json() {
    let sb = Sandbox::with_instance(Backend::Sqlite);
    // A title change, a colour and a bell, as someone sharing the instance could name a label.
    let name = "\x1b]0;owned\x07\x1b[31mT cell\u{9b}0m";
    sb.run(&["create", "ulabel", name, "--description", "line one\nline two"]).ok();
    let shown = ["\\u{1b}]0;owned\\u{7}\\u{1b}[31mT cell\\u{9b}0m"];
    let mut human = vec![
        sb.run(&["list", "ulabel"]).ok(),
        sb.run(&["get", "ulabel", "1"]).ok(),
        sb.run(&["describe", "ulabel", "1"]).ok(),
        sb.run(&["search", "ulabel", "cell"]).ok(),
    ];
    if cfg!(feature = "frame") {
        human.push(sb.run(&["df", "ulabel"]).ok());
    }
    for run in &human {
        assert!(!run.stdout.contains(['\x1b', '\x07', '\u{9b}']), "{run:#?}");
        assert!(run.stdout.contains(shown[0]), "{run:#?}");
    }
    // A value in a `field  value` listing stays on its line.
    let get = sb.run(&["get", "ulabel", "1"]).ok();
    assert!(get.stdout.contains("line one\\u{a}line two"), "{get:#?}");
    // Messages on stderr are escaped too.
    let again = sb.run(&["create", "ulabel", name]).ok();
    assert!(!again.stderr.contains('\x1b'), "{again:#?}");
    // JSON is exact.
    let json = sb.run(&["list", "ulabel", "--json"]).ok().json();
    assert_eq!(json[0]["name"], name);
    assert_eq!(json[0]["description"], "line one\nline two");
}
