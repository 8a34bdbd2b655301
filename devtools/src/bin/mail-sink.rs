//! `mail-sink`: a local SMTP server that captures all mail, for development.
//!
//! ```text
//! mail-sink [--port N] [--dir PATH | --no-store]
//! ```
//!
//! Listens on 127.0.0.1 (default port 2525), saves each message as an `.eml` file under
//! `--dir` (default `.data/mail`), and prints one line per message: time, recipients, subject
//! and the links in it, so a verification link can be opened straight from the terminal.
//! Point the app at it with `SMTP_URL=smtp://127.0.0.1:2525`. Stop with Ctrl-C.

use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::process::ExitCode;

use devtools::smtp_sink;
use tokio::sync::broadcast::error::RecvError;

const USAGE: &str = "usage: mail-sink [--port N] [--dir PATH | --no-store]\n\
  --port N     port on 127.0.0.1 to listen on (default 2525; 0 picks a free one)\n\
  --dir PATH   where to save messages as .eml files (default .data/mail)\n\
  --no-store   keep messages in memory only";

struct Args {
    port: u16,
    dir: Option<PathBuf>,
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Args, String> {
    let mut parsed = Args { port: 2525, dir: Some(PathBuf::from(".data/mail")) };
    while let Some(arg) = args.next() {
        let (name, inline) = match arg.split_once('=') {
            Some((n, v)) if n.starts_with("--") => (n.to_string(), Some(v.to_string())),
            _ => (arg.clone(), None),
        };
        let mut value = || inline.clone().or_else(|| args.next()).ok_or_else(|| format!("{name} needs a value"));
        match name.as_str() {
            "--port" | "-p" => {
                let v = value()?;
                parsed.port = v.parse().map_err(|_| format!("invalid port {v:?}"))?;
            }
            "--dir" | "-d" => parsed.dir = Some(PathBuf::from(value()?)),
            "--no-store" => parsed.dir = None,
            "--help" | "-h" => return Err(String::new()),
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    Ok(parsed)
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(a) => a,
        Err(e) if e.is_empty() => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("mail-sink: {e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, args.port));
    let sink = match smtp_sink::start(addr, args.dir.clone()).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("mail-sink: cannot listen on {addr}: {e}");
            return ExitCode::FAILURE;
        }
    };
    let store = match &args.dir {
        Some(d) => format!("saving to {}", d.display()),
        None => "not saving to disk".to_string(),
    };
    println!("mail-sink listening on {} ({store}); Ctrl-C to stop", sink.url());

    let mut received = sink.subscribe();
    loop {
        tokio::select! {
            _ = tokio::signal::ctrl_c() => break,
            next = received.recv() => match next {
                Ok(m) => println!("{}", summary(&m)),
                Err(RecvError::Lagged(n)) => println!("({n} messages not shown; see the store directory)"),
                Err(RecvError::Closed) => break,
            },
        }
    }
    sink.stop().await;
    ExitCode::SUCCESS
}

/// `2024-05-01 12:00:03 to=a@b.example subject="…" links: https://…`
fn summary(m: &smtp_sink::CapturedMessage) -> String {
    let subject = m.subject().unwrap_or_default().replace(['\r', '\n'], " ");
    let mut line = format!("{} to={} subject={subject:?}", m.received_at_utc(), m.recipients.join(","));
    let links = m.links();
    if !links.is_empty() {
        line.push_str(" links: ");
        line.push_str(&links.join(" "));
    }
    line
}
