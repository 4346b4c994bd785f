//! Database passwords are never printed, whatever shape the URL or connection string has and
//! wherever it is echoed (init, info, io move, connection and parse errors, instance
//! identifiers); and a PostgreSQL role that may only read can read.

use lamindb_tests::{PgRole, pg_execute, pg_url_as};

#[allow(unused_imports)]
use super::sandbox::*;

/// A password unlike anything else a run prints.
const SECRET: &str = "Sekr3tPassw0rd";

#[track_caller]
fn assert_hidden(run: &Run, secret: &str) {
    assert!(
        !run.stdout.contains(secret) && !run.stderr.contains(secret),
        "`lamin {}` printed the password {secret:?}:\n{run:#?}",
        run.args
    );
}

/// `lamin args…` with `LAMIN_CURRENT_INSTANCE` set.
fn run_with_current(sb: &Sandbox, current: &str, args: &[&str]) -> Run {
    let out = lamin_command(&sb.root, args)
        .env("LAMIN_CURRENT_INSTANCE", current)
        .output()
        .expect("run the lamin binary");
    Run {
        args: args.join(" "),
        code: out.status.code(),
        stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(out.stderr).expect("stderr is UTF-8"),
    }
}

/// The name of the database in a URL.
fn dbname(url: &str) -> &str {
    url.rsplit('/').next().expect("a database name")
}

/// A password given as `?password=` (libpq takes it from the query) is redacted by `init`,
/// `info`, `info --json`, `io move` and connection errors, as the userinfo password is.
#[test]
fn a_password_in_the_url_query_is_never_printed() {
    if postgres_url().is_none() {
        eprintln!("a_password_in_the_url_query_is_never_printed: skipped: postgres");
        return;
    }
    let role = PgRole::create();
    let (db, moved_to) = (PgDatabase::create(), PgDatabase::create());
    db.give_to(&role);
    moved_to.give_to(&role);
    let with_query = |url: &str| format!("{}?password={}", pg_url_as(url, &role.name, None), role.password);
    let url = with_query(db.url());
    let redacted = format!("{}?password=***", pg_url_as(db.url(), &role.name, None));
    let mut runs = Vec::new();

    let sb = Sandbox::new();
    runs.push(sb.run(&["init", "--storage", "./mydata", "--db", &url, "--name", "mydata"]).ok());
    let info = sb.run(&["info"]).ok();
    assert!(info.stdout.contains(&format!("\n - db: {redacted}\n")), "{info:#?}");
    runs.push(info);
    let json = sb.run(&["info", "--json"]).ok();
    assert_eq!(json.json()["db"], redacted);
    runs.push(json);
    runs.push(sb.run(&["list", "ulabel"]).ok());

    // Connection errors: nothing listens on port 1.
    let refused =
        format!("postgresql://{}@127.0.0.1:1/{}?password={}", role.name, dbname(db.url()), role.password);
    let run = sb.run(&["init", "--storage", "./other", "--db", &refused, "--name", "other"]).fails(1);
    assert!(run.stderr.contains("cannot connect to") && run.stderr.contains("password=***"), "{run:#?}");
    runs.push(run);
    runs.push(sb.run(&["list", "ulabel", "--instance", &refused]).fails(1));

    // `io move` of a SQLite instance to a database given with `?password=`, and to one that
    // refuses the connection.
    let sb = Sandbox::with_instance(Backend::Sqlite);
    runs.push(sb.run(&["io", "move", "--to", &refused]).fails(1));
    let to = with_query(moved_to.url());
    let moved = sb.run(&["io", "move", "--to", &to]).ok();
    assert!(moved.stderr.contains("password=***") || moved.stdout.contains("password=***"), "{moved:#?}");
    runs.push(moved);
    runs.push(sb.run(&["io", "move", "--to", &to, "--json"]).fails(1));
    runs.push(sb.run(&["info", "--json"]).ok());
    for run in &runs {
        assert_hidden(run, &role.password);
    }
}

/// libpq's own messages quote the URL, or a piece of it: a URL with spaces, a percent-encoded
/// password that does not decode, a password holding `/`. None of them reaches the terminal,
/// nor does a connection error, nor a URL without a scheme or a keyword/value string given to
/// `init --db`.
#[test]
fn libpq_messages_and_refused_urls_never_echo_the_password() {
    let sb = Sandbox::new();
    let urls = [
        format!("postgresql://u:pa ss{SECRET}@127.0.0.1:1/db"),
        format!("postgresql://u@127.0.0.1:1/db?password=pa ss{SECRET}"),
        format!("postgresql://u@127.0.0.1:1/db?password={SECRET}%zz"),
        format!("postgresql://u:{SECRET}%zz@127.0.0.1:1/db"),
        format!("postgresql://u:{SECRET}@127.0.0.1:1/db"),
        format!("postgresql://u@127.0.0.1:1/db?password={SECRET}"),
        format!("postgresql://u@127.0.0.1:1/db?sslmode=disable&pass%77ord={SECRET}"),
        format!("postgresql://u:{SECRET}/x@127.0.0.1:1/db"),
        format!("postgresql://u:{SECRET}@127.0.0.1:1/db?port=x"),
        format!("postgres://u:{SECRET}@127.0.0.1:1/db?no_such_option=1"),
        format!("user:{SECRET}@127.0.0.1:1/db"),
        format!("host=127.0.0.1 port=1 user=u password={SECRET}"),
        format!("host=127.0.0.1 port=1 password='a b {SECRET}'"),
        format!("mysql://u:{SECRET}@127.0.0.1:1/db"),
    ];
    for url in &urls {
        let run = sb.run(&["init", "--storage", "./x", "--db", url, "--name", "x"]).fails(1);
        assert!(run.stderr.starts_with("error: "), "{run:#?}");
        assert_hidden(&run, SECRET);
    }
    assert!(!sb.settings_file("instance--anonymous--x.env").exists());
}

/// "Invalid instance identifier", "instance … not found" and `--instance` errors redact a URL
/// or `user:pw@` given where an instance name belongs: to `connect`, `--instance` and
/// `LAMIN_CURRENT_INSTANCE`.
#[test]
fn instance_identifiers_holding_a_url_are_not_echoed() {
    let sb = Sandbox::with_instance(Backend::Sqlite);
    let identifiers = [
        format!("postgresql://u:{SECRET}@127.0.0.1:1/db"),
        format!("mysql://u:{SECRET}@127.0.0.1:1/db"),
        format!("u:{SECRET}@127.0.0.1/db"),
        format!("u:{SECRET}@127.0.0.1"),
        format!("postgresql://u@127.0.0.1:1/db?password={SECRET}"),
        format!("host=127.0.0.1 port=1 password={SECRET}"),
    ];
    for id in &identifiers {
        for run in [
            sb.run(&["connect", id]),
            sb.run(&["list", "ulabel", "--instance", id]),
            sb.run(&["transfer", "ulabel", "x", "--from", id]),
        ] {
            assert_eq!(run.code, Some(1), "{run:#?}");
            assert!(run.stderr.starts_with("error: "), "{run:#?}");
            assert_hidden(&run, SECRET);
        }
        // A name that names no instance falls back to the other ways of choosing one.
        for args in [&["info"][..], &["list", "ulabel"]] {
            assert_hidden(&run_with_current(&sb, id, args), SECRET);
        }
    }
    let run = run_with_current(&sb, &identifiers[0], &["info"]).fails(1);
    assert!(run.stderr.contains("Invalid instance identifier 'postgresql://u:***@"), "{run:#?}");
}

/// `io move --to` something that is neither a PostgreSQL URL nor `sqlite` is refused without
/// echoing its password.
#[test]
fn io_move_to_other_connection_strings_is_refused_without_the_password() {
    let sb = Sandbox::with_instance(Backend::Sqlite);
    for to in [
        format!("host=127.0.0.1 port=1 user=u password={SECRET}"),
        format!("host=127.0.0.1 password = '{SECRET} x' port=1"),
        format!("u:{SECRET}@127.0.0.1:1/db"),
        format!("mysql://u:{SECRET}@127.0.0.1:1/db"),
    ] {
        let run = sb.run(&["io", "move", "--to", &to]).fails(1);
        assert!(run.stderr.contains("move the instance to a PostgreSQL URL"), "{run:#?}");
        assert_hidden(&run, SECRET);
    }
    sb.run(&["list", "ulabel"]).ok();
}

/// A settings file whose database URL has another scheme than PostgreSQL's (written by another
/// program or by hand) is refused with the URL redacted.
#[test]
fn a_settings_file_with_another_database_scheme_is_refused_without_the_password() {
    let sb = Sandbox::with_instance(Backend::Sqlite);
    for db in [
        format!("mysql://u:{SECRET}@127.0.0.1:1/db"),
        format!("postgresql+psycopg2://u:{SECRET}@127.0.0.1:1/db"),
        format!("host=127.0.0.1 port=1 user=u password={SECRET}"),
    ] {
        for file in ["instance--anonymous--mydata.env", "current_instance.env"] {
            let path = sb.settings_file(file);
            let text = std::fs::read_to_string(&path).unwrap();
            let text: String = text
                .lines()
                .map(|l| {
                    if l.starts_with("lamindb_instance_db=") {
                        format!("lamindb_instance_db={db}\n")
                    } else {
                        format!("{l}\n")
                    }
                })
                .collect();
            std::fs::write(&path, text).unwrap();
        }
        // `info` reads the settings only.
        for args in [&["info"][..], &["info", "--json"]] {
            let run = sb.run(args).ok();
            assert!(
                run.stdout.contains("u:***@127.0.0.1:1/db") || run.stdout.contains("password=***"),
                "{run:#?}"
            );
            assert_hidden(&run, SECRET);
        }
        for args in [&["list", "ulabel"][..], &["doctor"], &["connect", "mydata"]] {
            let run = sb.run(args);
            assert_ne!(run.code, Some(0), "{run:#?}");
            assert!(run.stderr.contains("unsupported database URL"), "{run:#?}");
            assert_hidden(&run, SECRET);
        }
        assert_eq!(
            sb.files().iter().filter(|f| f.starts_with("work/") && !f.starts_with("work/mydata/")).count(),
            0
        );
    }
}

/// A role granted only `SELECT` and the schema's `USAGE` can read an instance made by
/// `lamin init --db` (no migration check writes), and a write fails with PostgreSQL's refusal.
#[test]
fn a_read_only_role_can_read_and_not_write() {
    if postgres_url().is_none() {
        eprintln!("a_read_only_role_can_read_and_not_write: skipped: postgres");
        return;
    }
    let (owner, reader) = (PgRole::create(), PgRole::create());
    let db = PgDatabase::create();
    db.give_to(&owner);
    let owner_url = pg_url_as(db.url(), &owner.name, Some(&owner.password));
    let reader_url = pg_url_as(db.url(), &reader.name, Some(&reader.password));
    let sb = Sandbox::new();
    sb.run(&["init", "--storage", "./mydata", "--db", &owner_url, "--name", "mydata"]).ok();
    sb.run(&["create", "ulabel", "tissue"]).ok();
    let r = &reader.name;
    pg_execute(
        db.url(),
        &format!("GRANT USAGE ON SCHEMA public TO {r}; GRANT SELECT ON ALL TABLES IN SCHEMA public TO {r}"),
    );
    // The reader may not create tables: the check of the schema must not try.
    for file in ["instance--anonymous--mydata.env", "current_instance.env"] {
        let path = sb.settings_file(file);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(&owner_url), "{text}");
        std::fs::write(&path, text.replace(&owner_url, &reader_url)).unwrap();
    }

    let list = sb.run(&["list", "ulabel", "--json"]).ok();
    assert_eq!(list.json().as_array().map(|a| a.len()), Some(1), "{list:#?}");
    assert_eq!(list.json()[0]["name"], "tissue");
    let info = sb.run(&["info"]).ok();
    assert!(info.stdout.contains(&format!(" - db: postgresql://{r}:***@")), "{info:#?}");
    let doctor = sb.run(&["doctor"]).ok();
    assert!(doctor.stderr.contains("healthy"), "{doctor:#?}");
    let mut runs = vec![list, info, doctor, sb.run(&["list", "ulabel", "--instance", &reader_url]).ok()];

    let write = sb.run(&["create", "ulabel", "other"]).fails(1);
    assert!(
        write.stderr.starts_with("error: database error: permission denied for table lamindb_ulabel\n")
            && write.stderr.contains("hint: the database user of this instance may read but not write"),
        "{write:#?}"
    );
    runs.push(write);
    for run in &runs {
        assert_hidden(run, &reader.password);
        assert_hidden(run, &owner.password);
    }
    // Nothing was written: the owner still sees one label.
    let count = sb.run(&["list", "ulabel", "--instance", &owner_url, "--count"]).ok();
    assert_eq!(count.stdout.trim(), "1", "{count:#?}");
}
