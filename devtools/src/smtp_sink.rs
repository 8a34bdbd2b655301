//! A tiny local SMTP server that captures every message it is sent, for development and tests.
//!
//! No authentication, no TLS, and it only binds loopback addresses. It speaks enough of
//! RFC 5321 for lettre and common clients: `EHLO`/`HELO`, `MAIL FROM`, `RCPT TO`, `DATA`
//! (dot-stuffing undone), `RSET`, `NOOP`, `VRFY` (252), `HELP`, `QUIT`; anything else gets 502.
//! Several messages per connection and many connections at once are fine. Messages larger
//! than [`MAX_MESSAGE_BYTES`] are refused with 552 (also up front, from `MAIL FROM … SIZE=`).
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use std::time::Duration;
//! use devtools::smtp_sink;
//!
//! let sink = smtp_sink::start("127.0.0.1:0".parse().unwrap(), None).await?;
//! // … have the app send mail to sink.url() (smtp://127.0.0.1:PORT) …
//! let msg = sink.wait_for(|m| m.recipients.iter().any(|r| r == "u@example.com"), Duration::from_secs(5)).await;
//! let link = msg.expect("mail arrived").links()[0].clone();
//! sink.stop().await;
//! # Ok(()) }
//! ```
//!
//! [`CapturedMessage`] keeps the raw bytes and decodes on demand, with `mail-parser`: headers
//! (with RFC 2047 encoded words), the text and HTML bodies (`quoted-printable` and `base64`
//! undone, nested multiparts walked), and, with `linkify`, the http(s) links in them.

use std::collections::VecDeque;
use std::io;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use linkify::{LinkFinder, LinkKind};
use mail_parser::decoders::html::html_to_text;
use mail_parser::{HeaderValue, Message, MessageParser};
use tokio::io::{AsyncBufRead, AsyncBufReadExt, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{broadcast, watch};
use tokio::task::{JoinHandle, JoinSet};

/// Largest message accepted (after dot-unstuffing), in bytes: 10 MiB.
pub const MAX_MESSAGE_BYTES: usize = 10 * 1024 * 1024;
/// Messages kept in memory; older ones are dropped from [`SinkHandle::messages`] (files stay).
pub const MAX_KEPT_MESSAGES: usize = 10_000;
/// Most recipients of one message.
const MAX_RECIPIENTS: usize = 1000;
/// Most connections open at once.
const MAX_CONNECTIONS: usize = 512;
/// Longest command line accepted (RFC 5321 asks for 512; be lenient).
const MAX_COMMAND_LINE: usize = 4096;
/// Read size while receiving DATA (longer lines are handled in pieces).
const DATA_CHUNK: usize = 64 * 1024;
/// A client silent for this long is disconnected (421).
const IDLE_TIMEOUT: Duration = Duration::from_secs(300);
/// Name the server gives itself in its greeting.
const SERVER_NAME: &str = "mail-sink.localhost";

/// One message received by the sink.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CapturedMessage {
    /// Sequence number, from 1, in order of receipt.
    pub id: u64,
    /// Envelope sender (`MAIL FROM`), without angle brackets; empty for the null sender `<>`.
    pub from: String,
    /// Envelope recipients (`RCPT TO`), without angle brackets.
    pub recipients: Vec<String>,
    /// The message exactly as received (headers and body), dot-stuffing undone.
    pub data: Vec<u8>,
    pub received_at: SystemTime,
    /// Where the message was written, if the sink has a store directory.
    pub path: Option<PathBuf>,
}

impl CapturedMessage {
    /// The message as MIME: headers, body parts, transfer encodings and charsets undone.
    fn mime(&self) -> Option<Message<'_>> {
        MessageParser::default().parse(&self.data)
    }

    /// The first header called `name` (case-insensitive), unfolded, with RFC 2047 encoded
    /// words decoded.
    pub fn header(&self, name: &str) -> Option<String> {
        let head = MessageParser::new().default_header_text().parse_headers(&self.data)?;
        let header = head.headers().iter().find(|h| h.name().eq_ignore_ascii_case(name))?;
        let text = match header.value() {
            HeaderValue::Text(text) => text.to_string(),
            HeaderValue::TextList(list) => list.join(", "),
            HeaderValue::Address(list) => list
                .iter()
                .map(|a| match (a.name(), a.address()) {
                    (Some(name), Some(address)) => format!("{name} <{address}>"),
                    (name, address) => name.or(address).unwrap_or_default().to_string(),
                })
                .collect::<Vec<_>>()
                .join(", "),
            HeaderValue::DateTime(date) => date.to_rfc822(),
            _ => head.headers_raw().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, raw)| raw.trim().to_string()).unwrap_or_default(),
        };
        Some(text)
    }

    /// The decoded `Subject:` header.
    pub fn subject(&self) -> Option<String> {
        self.header("Subject")
    }

    /// The decoded `To:` header.
    pub fn to_header(&self) -> Option<String> {
        self.header("To")
    }

    /// The plain-text body: the first `text/plain` part (transfer encoding and charset undone,
    /// line ends as `\n`). Without one, the HTML body converted to text; else empty.
    pub fn text_body(&self) -> String {
        self.mime().and_then(|m| m.body_text(0).map(|t| t.replace("\r\n", "\n"))).unwrap_or_default()
    }

    /// The decoded first `text/html` part, if any.
    pub fn html_body(&self) -> Option<String> {
        let mime = self.mime()?;
        let html = mime.html_bodies().find(|p| p.is_text_html())?.text_contents()?.replace("\r\n", "\n");
        Some(html)
    }

    /// The distinct http(s) URLs in the text body, then any more found in the HTML body
    /// (`&amp;` and other entities undone), in order of appearance.
    pub fn links(&self) -> Vec<String> {
        let mut found = http_links(&self.text_body());
        if let Some(html) = self.html_body() {
            for link in http_links(&html) {
                // A link has no tags, so this only undoes its character references.
                let link = html_to_text(&link);
                if !found.contains(&link) {
                    found.push(link);
                }
            }
        }
        found
    }

    /// `received_at` as `YYYY-MM-DD HH:MM:SS` (UTC).
    pub fn received_at_utc(&self) -> String {
        let (date, time) = utc_parts(self.received_at);
        format!("{date} {time}")
    }
}

/// A running sink. Dropping it stops the server (without waiting); [`SinkHandle::stop`]
/// stops it and waits until the port is closed.
#[derive(Debug)]
pub struct SinkHandle {
    /// The address it listens on (with the real port when started on port 0).
    pub addr: SocketAddr,
    shared: Arc<Shared>,
    shutdown: watch::Sender<bool>,
    task: Option<JoinHandle<()>>,
}

#[derive(Debug)]
struct Shared {
    messages: Mutex<VecDeque<CapturedMessage>>,
    /// Number of messages received so far (waiters watch it).
    received: watch::Sender<u64>,
    events: broadcast::Sender<CapturedMessage>,
    store_dir: Option<PathBuf>,
    next_id: AtomicU64,
}

/// Starts a sink on `addr` (a loopback address; port 0 picks a free port). When `store_dir`
/// is given (created if missing), each message is also written there as
/// `<UTC timestamp>-<n>.eml`, with `Return-Path:` and `Delivered-To:` lines in front.
pub async fn start(addr: SocketAddr, store_dir: Option<PathBuf>) -> io::Result<SinkHandle> {
    if !addr.ip().is_loopback() {
        return Err(io::Error::new(io::ErrorKind::InvalidInput, format!("the mail sink only listens on loopback, not {addr}")));
    }
    if let Some(dir) = &store_dir {
        tokio::fs::create_dir_all(dir).await?;
    }
    let listener = TcpListener::bind(addr).await?;
    let addr = listener.local_addr()?;
    let shared = Arc::new(Shared {
        messages: Mutex::new(VecDeque::new()),
        received: watch::channel(0).0,
        events: broadcast::channel(256).0,
        store_dir,
        next_id: AtomicU64::new(1),
    });
    let (shutdown, stop_rx) = watch::channel(false);
    let task = tokio::spawn(accept_loop(listener, shared.clone(), stop_rx));
    Ok(SinkHandle { addr, shared, shutdown, task: Some(task) })
}

impl SinkHandle {
    /// `smtp://ADDR`, for `app::platform::mailer::Mailer::from_url`.
    pub fn url(&self) -> String {
        format!("smtp://{}", self.addr)
    }

    /// The messages received so far (the latest [`MAX_KEPT_MESSAGES`]), oldest first.
    pub fn messages(&self) -> Vec<CapturedMessage> {
        self.shared.messages.lock().unwrap_or_else(|e| e.into_inner()).iter().cloned().collect()
    }

    /// Forgets the messages received so far (stored files are kept).
    pub fn clear(&self) {
        self.shared.messages.lock().unwrap_or_else(|e| e.into_inner()).clear();
    }

    /// A stream of the messages received from now on (lagging receivers lose the oldest).
    pub fn subscribe(&self) -> broadcast::Receiver<CapturedMessage> {
        self.shared.events.subscribe()
    }

    /// The first message (already received or arriving within `timeout`) that satisfies
    /// `predicate`, or `None` when the time runs out.
    pub async fn wait_for(&self, predicate: impl Fn(&CapturedMessage) -> bool, timeout: Duration) -> Option<CapturedMessage> {
        let deadline = tokio::time::Instant::now() + timeout;
        let mut received = self.shared.received.subscribe();
        loop {
            received.borrow_and_update();
            let found = self.shared.messages.lock().unwrap_or_else(|e| e.into_inner()).iter().find(|m| predicate(m)).cloned();
            if found.is_some() {
                return found;
            }
            match tokio::time::timeout_at(deadline, received.changed()).await {
                Ok(Ok(())) => continue,
                _ => return None,
            }
        }
    }

    /// Stops accepting, drops open connections, and waits until the listener is closed.
    pub async fn stop(mut self) {
        let _ = self.shutdown.send(true);
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for SinkHandle {
    fn drop(&mut self) {
        let _ = self.shutdown.send(true);
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

async fn accept_loop(listener: TcpListener, shared: Arc<Shared>, mut stop: watch::Receiver<bool>) {
    // Owning the connection tasks here means they are all aborted when this loop ends.
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            _ = stop.changed() => break,
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
            accepted = listener.accept() => match accepted {
                Ok((stream, _peer)) => {
                    if connections.len() >= MAX_CONNECTIONS {
                        connections.spawn(async move {
                            let mut stream = stream;
                            let _ = stream.write_all(b"421 4.3.2 Too many connections, try again later\r\n").await;
                        });
                    } else {
                        connections.spawn(serve(stream, shared.clone()));
                    }
                }
                Err(e) => {
                    tracing::warn!(error = %e, "mail sink: accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            },
        }
    }
    connections.shutdown().await;
}

async fn serve(stream: TcpStream, shared: Arc<Shared>) {
    let (read, mut write) = stream.into_split();
    let mut reader = BufReader::new(read);
    if let Err(e) = session(&mut reader, &mut write, &shared).await {
        tracing::debug!(error = %e, "mail sink: connection ended");
    }
    let _ = write.shutdown().await;
}

/// The state of one SMTP session.
#[derive(Default)]
struct Transaction {
    greeted: bool,
    from: Option<String>,
    recipients: Vec<String>,
}

impl Transaction {
    fn reset(&mut self) {
        self.from = None;
        self.recipients.clear();
    }
}

async fn reply<W: AsyncWrite + Unpin>(w: &mut W, text: &str) -> io::Result<()> {
    w.write_all(text.as_bytes()).await?;
    w.write_all(b"\r\n").await?;
    w.flush().await
}

async fn session<R, W>(reader: &mut R, writer: &mut W, shared: &Shared) -> io::Result<()>
where
    R: AsyncBufRead + Unpin,
    W: AsyncWrite + Unpin,
{
    reply(writer, &format!("220 {SERVER_NAME} ESMTP mail-sink ready")).await?;
    let mut tx = Transaction::default();
    let mut line = Vec::new();
    loop {
        let n = match tokio::time::timeout(IDLE_TIMEOUT, read_chunk(reader, &mut line, MAX_COMMAND_LINE)).await {
            Ok(n) => n?,
            Err(_) => {
                reply(writer, "421 4.4.2 Idle too long, closing connection").await?;
                return Ok(());
            }
        };
        if n == 0 {
            return Ok(());
        }
        if !line.ends_with(b"\n") {
            if line.len() < MAX_COMMAND_LINE {
                return Ok(()); // EOF in the middle of a line
            }
            skip_line(reader).await?;
            reply(writer, "500 5.5.2 Line too long").await?;
            continue;
        }
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_end_matches(['\r', '\n']);
        let (verb, arg) = match text.split_once(' ') {
            Some((v, a)) => (v.to_ascii_uppercase(), a.trim()),
            None => (text.to_ascii_uppercase(), ""),
        };
        match verb.as_str() {
            "EHLO" | "HELO" if arg.is_empty() => reply(writer, "501 5.5.4 Syntax: EHLO domain").await?,
            "EHLO" => {
                tx.reset();
                tx.greeted = true;
                let text = format!("250-{SERVER_NAME} greets {arg}\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n250-SIZE {MAX_MESSAGE_BYTES}\r\n250 HELP");
                reply(writer, &text).await?;
            }
            "HELO" => {
                tx.reset();
                tx.greeted = true;
                reply(writer, &format!("250 {SERVER_NAME}")).await?;
            }
            "MAIL" => {
                if !tx.greeted {
                    reply(writer, "503 5.5.1 Send EHLO or HELO first").await?;
                } else if tx.from.is_some() {
                    reply(writer, "503 5.5.1 Nested MAIL command").await?;
                } else {
                    match parse_path(arg, "FROM:") {
                        Some((path, params)) => match declared_size(params) {
                            Some(size) if size > MAX_MESSAGE_BYTES => reply(writer, "552 5.3.4 Message size exceeds fixed maximum message size").await?,
                            _ => {
                                tx.from = Some(path);
                                reply(writer, "250 2.1.0 Ok").await?;
                            }
                        },
                        None => reply(writer, "501 5.5.4 Syntax: MAIL FROM:<address>").await?,
                    }
                }
            }
            "RCPT" => {
                if tx.from.is_none() {
                    reply(writer, "503 5.5.1 Need MAIL before RCPT").await?;
                } else {
                    match parse_path(arg, "TO:") {
                        Some((path, _)) if !path.is_empty() => {
                            if tx.recipients.len() >= MAX_RECIPIENTS {
                                reply(writer, "452 4.5.3 Too many recipients").await?;
                            } else {
                                tx.recipients.push(path);
                                reply(writer, "250 2.1.5 Ok").await?;
                            }
                        }
                        _ => reply(writer, "501 5.5.4 Syntax: RCPT TO:<address>").await?,
                    }
                }
            }
            "DATA" => {
                if tx.from.is_none() {
                    reply(writer, "503 5.5.1 Need MAIL command").await?;
                } else if tx.recipients.is_empty() {
                    reply(writer, "503 5.5.1 Need RCPT command").await?;
                } else {
                    reply(writer, "354 End data with <CR><LF>.<CR><LF>").await?;
                    match read_data(reader).await? {
                        None => return Ok(()), // connection lost mid-message
                        Some(Err(TooBig)) => {
                            reply(writer, "552 5.3.4 Message size exceeds fixed maximum message size").await?;
                        }
                        Some(Ok(data)) => {
                            let from = tx.from.take().unwrap_or_default();
                            let recipients = std::mem::take(&mut tx.recipients);
                            let id = deliver(shared, from, recipients, data).await;
                            reply(writer, &format!("250 2.0.0 Ok: queued as {id}")).await?;
                        }
                    }
                    tx.reset();
                }
            }
            "RSET" => {
                tx.reset();
                reply(writer, "250 2.0.0 Ok").await?;
            }
            "NOOP" => reply(writer, "250 2.0.0 Ok").await?,
            "VRFY" => reply(writer, "252 2.1.5 Cannot VRFY user, but will accept message").await?,
            "HELP" => reply(writer, "214 2.0.0 Commands: EHLO HELO MAIL RCPT DATA RSET NOOP VRFY HELP QUIT").await?,
            "QUIT" => {
                reply(writer, "221 2.0.0 Bye").await?;
                return Ok(());
            }
            "" => reply(writer, "500 5.5.2 Syntax error, command unrecognized").await?,
            _ => reply(writer, "502 5.5.1 Command not implemented").await?,
        }
    }
}

struct TooBig;

/// Reads a message body up to the `.` line. `None` if the connection ends first.
async fn read_data<R: AsyncBufRead + Unpin>(reader: &mut R) -> io::Result<Option<Result<Vec<u8>, TooBig>>> {
    let mut data = Vec::new();
    let mut too_big = false;
    let mut at_line_start = true;
    let mut chunk = Vec::new();
    loop {
        let n = match tokio::time::timeout(IDLE_TIMEOUT, read_chunk(reader, &mut chunk, DATA_CHUNK)).await {
            Ok(n) => n?,
            Err(_) => return Err(io::Error::new(io::ErrorKind::TimedOut, "idle during DATA")),
        };
        if n == 0 {
            return Ok(None);
        }
        let mut content = &chunk[..];
        if at_line_start {
            if content == b".\r\n" || content == b".\n" {
                break;
            }
            if content.starts_with(b".") {
                content = &content[1..]; // undo dot-stuffing
            }
        }
        at_line_start = chunk.ends_with(b"\n");
        if !too_big {
            if data.len() + content.len() > MAX_MESSAGE_BYTES {
                too_big = true;
                data = Vec::new();
            } else {
                data.extend_from_slice(content);
            }
        }
    }
    Ok(Some(if too_big { Err(TooBig) } else { Ok(data) }))
}

/// Reads up to and including the next `\n`, but at most `max` bytes, into `buf` (cleared
/// first). Returns the number of bytes read: 0 at end of input; without a trailing `\n` when
/// the limit was hit or the input ended mid-line.
async fn read_chunk<R: AsyncBufRead + Unpin>(reader: &mut R, buf: &mut Vec<u8>, max: usize) -> io::Result<usize> {
    buf.clear();
    while buf.len() < max {
        let available = reader.fill_buf().await?;
        if available.is_empty() {
            break;
        }
        let room = (max - buf.len()).min(available.len());
        if let Some(i) = available[..room].iter().position(|&b| b == b'\n') {
            buf.extend_from_slice(&available[..=i]);
            reader.consume(i + 1);
            break;
        }
        buf.extend_from_slice(&available[..room]);
        reader.consume(room);
    }
    Ok(buf.len())
}

/// Discards input up to and including the next `\n`.
async fn skip_line<R: AsyncBufRead + Unpin>(reader: &mut R) -> io::Result<()> {
    let mut scratch = Vec::new();
    loop {
        let n = read_chunk(reader, &mut scratch, DATA_CHUNK).await?;
        if n == 0 || scratch.ends_with(b"\n") {
            return Ok(());
        }
    }
}

/// Parses `FROM:<path> params` / `TO:<path> params` (prefix case-insensitive, space after the
/// colon tolerated, brackets optional). Returns the path without brackets and the parameters.
fn parse_path<'a>(arg: &'a str, prefix: &str) -> Option<(String, &'a str)> {
    if arg.len() < prefix.len() || !arg[..prefix.len()].eq_ignore_ascii_case(prefix) {
        return None;
    }
    let rest = arg[prefix.len()..].trim_start();
    let (path, params) = if let Some(inner) = rest.strip_prefix('<') {
        let end = inner.find('>')?;
        (&inner[..end], &inner[end + 1..])
    } else {
        match rest.split_once(' ') {
            Some((p, params)) => (p, params),
            None => (rest, ""),
        }
    };
    // Drop a source route (`@a,@b:user@host`), obsolete but legal.
    let path = match path.split_once(':') {
        Some((route, addr)) if route.starts_with('@') => addr,
        _ => path,
    };
    if path.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return None;
    }
    Some((path.to_string(), params.trim()))
}

/// The `SIZE=n` parameter of `MAIL FROM`, if any.
fn declared_size(params: &str) -> Option<usize> {
    params.split_ascii_whitespace().find_map(|p| {
        let (k, v) = p.split_once('=')?;
        if k.eq_ignore_ascii_case("SIZE") {
            // A number too large for usize is certainly too large for us.
            Some(v.parse::<usize>().unwrap_or(usize::MAX))
        } else {
            None
        }
    })
}

/// Records a received message (and writes it out when storing). Returns its id.
async fn deliver(shared: &Shared, from: String, recipients: Vec<String>, data: Vec<u8>) -> u64 {
    let id = shared.next_id.fetch_add(1, Ordering::Relaxed);
    let received_at = SystemTime::now();
    let mut path = None;
    if let Some(dir) = &shared.store_dir {
        match store(dir, id, received_at, &from, &recipients, &data).await {
            Ok(p) => path = Some(p),
            Err(e) => tracing::warn!(error = %e, dir = %dir.display(), "mail sink: could not store message"),
        }
    }
    let message = CapturedMessage { id, from, recipients, data, received_at, path };
    {
        let mut messages = shared.messages.lock().unwrap_or_else(|e| e.into_inner());
        if messages.len() >= MAX_KEPT_MESSAGES {
            messages.pop_front();
        }
        messages.push_back(message.clone());
    }
    let _ = shared.events.send(message);
    shared.received.send_modify(|n| *n += 1);
    id
}

async fn store(dir: &Path, id: u64, at: SystemTime, from: &str, recipients: &[String], data: &[u8]) -> io::Result<PathBuf> {
    let (date, time) = utc_parts(at);
    let millis = at.duration_since(UNIX_EPOCH).map(|d| d.subsec_millis()).unwrap_or(0);
    let stamp = format!("{}T{}.{millis:03}Z", date.replace('-', ""), time.replace(':', ""));
    let path = dir.join(format!("{stamp}-{id}.eml"));
    let mut file = Vec::with_capacity(data.len() + 256);
    file.extend_from_slice(format!("Return-Path: <{from}>\r\n").as_bytes());
    for r in recipients {
        file.extend_from_slice(format!("Delivered-To: {r}\r\n").as_bytes());
    }
    file.extend_from_slice(data);
    // Write under a temporary name first so a watcher never sees half a file.
    let partial = path.with_extension("eml.part");
    tokio::fs::write(&partial, &file).await?;
    tokio::fs::rename(&partial, &path).await?;
    Ok(path)
}

/// `("YYYY-MM-DD", "HH:MM:SS")` in UTC.
fn utc_parts(t: SystemTime) -> (String, String) {
    let secs = t.duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    let d = mail_parser::DateTime::from_timestamp(i64::try_from(secs).unwrap_or(i64::MAX));
    (format!("{:04}-{:02}-{:02}", d.year, d.month, d.day), format!("{:02}:{:02}:{:02}", d.hour, d.minute, d.second))
}

// ---------------------------------------------------------------------------------------------
// Reading a message: MIME by `mail-parser`, links by `linkify`.

/// The http(s) URLs in `text`, distinct, in order of appearance.
fn http_links(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for link in LinkFinder::new().kinds(&[LinkKind::Url]).links(text) {
        let url = link.as_str();
        let lower = url.to_ascii_lowercase();
        if (lower.starts_with("http://") || lower.starts_with("https://")) && !out.iter().any(|u| u == url) {
            out.push(url.to_string());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg(data: &str) -> CapturedMessage {
        CapturedMessage {
            id: 1,
            from: "a@b.c".into(),
            recipients: vec!["d@e.f".into()],
            data: data.as_bytes().to_vec(),
            received_at: SystemTime::now(),
            path: None,
        }
    }

    #[test]
    fn quoted_printable_body() {
        let m =
            msg("Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\ncaf=C3=A9 =\r\nlong=3Dline\r\nnext=\nline\r\n");
        assert_eq!(m.text_body(), "café long=line\nnextline\n");
    }

    #[test]
    fn base64_body_with_line_breaks() {
        let m = msg("Content-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\naGVsbG8g\r\nd29ybGQ=\r\n");
        assert_eq!(m.text_body(), "hello world");
    }

    #[test]
    fn encoded_words() {
        let subject = |raw: &str| msg(&format!("Subject: {raw}\r\n\r\n")).subject().unwrap();
        assert_eq!(subject("=?utf-8?b?R3LDvMOfZQ==?= =?utf-8?B?IGF1cyBLw7Zsbg==?="), "Grüße aus Köln");
        assert_eq!(subject("=?ISO-8859-1?Q?caf=E9_au_lait?= ok"), "café au lait ok");
        assert_eq!(subject("plain = text ?= =?x"), "plain = text ?= =?x");
        let to = msg("To: =?utf-8?q?J=C3=BCrgen?= <jurgen@example.com>\r\n\r\n").to_header().unwrap();
        assert_eq!(to, "Jürgen <jurgen@example.com>");
    }

    #[test]
    fn multipart_alternative_with_encodings() {
        let raw = "Subject: =?utf-8?b?w5xiZXI=?=\r\nContent-Type: multipart/alternative;\r\n boundary=\"XX\"\r\n\r\n\
                   preamble\r\n--XX\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n\
                   Go to https://example.com/verify?token=3Dabcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqr=\r\nstuvwxyz.\r\n\
                   --XX\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n\
                   PGEgaHJlZj0iaHR0cHM6Ly9leGFtcGxlLmNvbS9hP3g9MSZhbXA7eT0yIj5nbzwvYT4=\r\n--XX--\r\nepilogue\r\n";
        let m = msg(raw);
        assert_eq!(m.subject().as_deref(), Some("Über"));
        let long = "https://example.com/verify?token=abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz";
        assert_eq!(m.text_body(), format!("Go to {long}."));
        assert_eq!(m.html_body().as_deref(), Some("<a href=\"https://example.com/a?x=1&amp;y=2\">go</a>"));
        assert_eq!(m.links(), vec![long.to_string(), "https://example.com/a?x=1&y=2".to_string()]);
    }

    #[test]
    fn html_only_falls_back_to_stripped_text() {
        let m = msg("Content-Type: text/html\r\n\r\n<style>p{}</style><p>Hi &amp; bye</p>\r\n");
        assert_eq!(m.text_body(), "Hi & bye\n");
        let plain = msg("Subject: x\r\n\r\nbody (see http://a.example/p_(1)), and https://b.example/.\r\n");
        assert_eq!(plain.links(), vec!["http://a.example/p_(1)", "https://b.example/"]);
    }

    #[test]
    fn smtp_paths() {
        assert_eq!(parse_path("FROM:<a@b.c> SIZE=10 BODY=8BITMIME", "FROM:"), Some(("a@b.c".into(), "SIZE=10 BODY=8BITMIME")));
        assert_eq!(parse_path("from: <>", "FROM:"), Some(("".into(), "")));
        assert_eq!(parse_path("TO:<@relay:u@h.example>", "TO:"), Some(("u@h.example".into(), "")));
        assert_eq!(parse_path("TO:u@h.example", "TO:"), Some(("u@h.example".into(), "")));
        assert_eq!(parse_path("TO <u@h>", "TO:"), None);
        assert_eq!(declared_size("BODY=8BITMIME SIZE=99999999999999999999999"), Some(usize::MAX));
    }

    #[test]
    fn civil_dates() {
        assert_eq!(utc_parts(UNIX_EPOCH), ("1970-01-01".into(), "00:00:00".into()));
        let t = UNIX_EPOCH + Duration::from_secs(951_827_696); // 2000-02-29 12:34:56
        assert_eq!(utc_parts(t), ("2000-02-29".into(), "12:34:56".into()));
    }
}
