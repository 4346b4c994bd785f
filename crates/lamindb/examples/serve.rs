//! A small web service over an instance: `GET /<registry>?filter=…&limit=…&format=json|ipc`
//! answers with `df()` of the query — JSON for a browser or `curl`, an Arrow IPC file for polars,
//! pyarrow or DuckDB. One `Instance` handle serves every request (it is `Clone + Send + Sync`,
//! its connections pooled); queries run on tokio's blocking pool, so no runtime worker waits on
//! SQL. It listens on loopback only.
//!
//! ```sh
//! cargo run -p lamindb --features frame,tokio --example serve               # serves, checks its answers, exits
//! cargo run -p lamindb --features frame,tokio --example serve -- --serve    # keeps serving, e.g.
//! curl 'http://127.0.0.1:<port>/ulabel?filter=name__startswith=T&format=json'
//! ```
//! It works in a temporary directory, removed when it exits after its checks.

use std::io::{Read, Write};
use std::net::SocketAddr;

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use lamindb as ln;
use ln::SQLRecord;
use ln::lamindb_frame::{Format, write};

/// The query string of a request.
#[derive(serde::Deserialize)]
struct Params {
    /// A filter in `lamin list`'s syntax: `name__startswith=T`, or a whole `(… | …) & !…` expression.
    filter: Option<String>,
    /// At most this many rows (default: all).
    limit: Option<usize>,
    /// `json` (default) or `ipc`.
    format: Option<String>,
}

/// `GET /<registry>`: the registry's records (the filter applied) as a DataFrame.
async fn frame(
    State(inst): State<ln::Instance>,
    Path(registry): Path<String>,
    Query(p): Query<Params>,
) -> Response {
    let answer = tokio::task::spawn_blocking(move || answer(&inst, &registry, &p)).await;
    match answer {
        Ok(Ok((body, content_type))) => ([(header::CONTENT_TYPE, content_type)], body).into_response(),
        Ok(Err((status, message))) => (status, message + "\n").into_response(),
        Err(panic) => (StatusCode::INTERNAL_SERVER_ERROR, format!("{panic}\n")).into_response(),
    }
}

type Answer = Result<(Vec<u8>, &'static str), (StatusCode, String)>;

fn answer(inst: &ln::Instance, registry: &str, p: &Params) -> Answer {
    let bad = |e: &dyn std::fmt::Display| (StatusCode::BAD_REQUEST, e.to_string());
    let reg = ln::models::registry_by_name(registry)
        .ok_or_else(|| (StatusCode::NOT_FOUND, format!("no registry named {registry:?}")))?;
    let (format, content_type) = match p.format.as_deref().unwrap_or("json") {
        "json" => (Format::Json, "application/json"),
        "ipc" => (Format::Ipc, "application/vnd.apache.arrow.file"),
        other => return Err(bad(&format!("unknown format {other:?}: json or ipc"))),
    };
    let mut query = ln::QuerySet::new(reg);
    if let Some(filter) = &p.filter {
        query = query.filter(ln::query::parse::parse_cli_filter(filter).map_err(|e| bad(&e))?);
    }
    let opts = ln::DfOptions { limit: p.limit, ..Default::default() };
    // A bad field in the filter is the caller's mistake; anything else is the server's.
    let mut df = ln::lamindb_frame::df(inst, &query, &opts).map_err(|e| match e {
        ln::lamindb_frame::FrameError::Core(e @ ln::Error::UnknownField { .. }) => bad(&e),
        e => (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()),
    })?;
    let mut body = Vec::new();
    write(&mut df, format, &mut body).map_err(|e| (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?;
    Ok((body, content_type))
}

/// A plain HTTP/1.1 GET: status code and body.
fn get_url(addr: SocketAddr, path: &str) -> std::io::Result<(u16, Vec<u8>)> {
    let mut stream = std::net::TcpStream::connect(addr)?;
    write!(stream, "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n")?;
    let mut response = Vec::new();
    stream.read_to_end(&mut response)?;
    let split = response.windows(4).position(|w| w == b"\r\n\r\n").expect("a header") + 4;
    let status = std::str::from_utf8(&response[9..12]).expect("a status").parse().expect("a number");
    Ok((status, response[split..].to_vec()))
}

/// A fresh instance in `tmp` with a few labels.
fn setup(tmp: &std::path::Path) -> ln::Result<ln::Instance> {
    let settings = ln::SettingsDir::at(tmp.join(".lamin"));
    let root = tmp.join("mydata");
    let opts = ln::InitOptions { storage: root.display().to_string(), ..Default::default() };
    let (inst, _) = ln::Instance::init_in(&settings, &opts)?;
    Ok(inst)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let tmp = tempfile::tempdir()?;
    // The library's blocking calls (files, SQL, storage) must not run on a runtime worker: here
    // on tokio's blocking pool, in handlers too; the `*_async` methods do that themselves.
    let path = tmp.path().to_path_buf();
    let inst = tokio::task::spawn_blocking(move || setup(&path)).await??;
    for name in ["T cell", "B cell", "T helper cell", "Crohn's disease"] {
        ln::ULabel::new(name).save_async(&inst).await?;
    }

    let app = Router::new().route("/{registry}", get(frame)).with_state(inst);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    println!("serving http://{addr}/<registry>?filter=…&format=json|ipc");
    let server = tokio::spawn(async move { axum::serve(listener, app).await });
    if std::env::args().any(|a| a == "--serve") {
        return Ok(server.await??);
    }

    // Ask it as a client would, and check the answers.
    let ask = |path: &'static str| tokio::task::spawn_blocking(move || get_url(addr, path));
    let (status, json) = ask("/ulabel?filter=name__startswith=T&format=json").await??;
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&json)?;
    let mut names: Vec<&str> = rows.iter().filter_map(|r| r["name"].as_str()).collect();
    names.sort();
    println!("{status} json: {names:?}");
    assert_eq!((status, names), (200, vec!["T cell", "T helper cell"]));

    let (status, ipc) = ask("/ulabel?filter=name=Crohn's%20disease&format=ipc").await??;
    use polars::prelude::{IpcReader, SerReader};
    let df = IpcReader::new(std::io::Cursor::new(ipc)).finish()?;
    println!("{status} ipc: {} row(s), columns {:?}", df.height(), df.get_column_names());
    assert_eq!((status, df.height()), (200, 1));
    assert_eq!(df.column("name")?.str()?.get(0), Some("Crohn's disease"));

    let (status, message) = ask("/ulabel?filter=colour=red").await??;
    println!("{status} {}", String::from_utf8_lossy(&message).trim());
    assert_eq!(status, 400);
    let (status, _) = ask("/nothing").await??;
    assert_eq!(status, 404);
    server.abort();
    Ok(())
}
