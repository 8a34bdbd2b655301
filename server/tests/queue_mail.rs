//! The mailer against the local SMTP sink, and the sink's SMTP dialogue over raw TCP.

use std::net::SocketAddr;
use std::time::Duration;

use app::platform::mailer::{MailError, Mailer, OutgoingEmail};
use devtools::smtp_sink::{self, MAX_MESSAGE_BYTES};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::net::TcpStream;

const WAIT: Duration = Duration::from_secs(10);

fn loopback0() -> SocketAddr {
    "127.0.0.1:0".parse().unwrap()
}

fn temp_dir(tag: &str) -> std::path::PathBuf {
    std::env::temp_dir().join(format!("mail-sink-test-{tag}-{}", uuid::Uuid::new_v4().simple()))
}

/// A verification link long enough to be wrapped by quoted-printable (lines ≤ 76 chars), with
/// `=` and `&` that the encodings must carry through.
const LINK: &str = "https://app.mewayz.test/auth/verify-email?token=Zm9vYmFyYmF6cXV4MDEyMzQ1Njc4OWFiY2RlZmdoaWprbG1ub3BxcnN0dXZ3eHl6&email=j%C3%BCrgen%40example.com&next=%2Fdashboard%2Fsettings";

#[tokio::test]
async fn text_and_html_mail_round_trips_through_the_sink() {
    let dir = temp_dir("roundtrip");
    let sink = smtp_sink::start(loopback0(), Some(dir.clone())).await.unwrap();
    let mailer = Mailer::from_url(&sink.url(), "Mewayz <noreply@mewayz.test>").unwrap();
    let subject = "Bestätigen Sie Ihre E-Mail-Adresse — Mewayz ✓";
    let email = OutgoingEmail {
        to: "Jürgen <jurgen@example.com>".into(),
        subject: subject.into(),
        text: format!("Hallo Jürgen,\n\nbitte bestätigen Sie Ihre Adresse:\n{LINK}\n\nDanke!\n"),
        html: Some(format!("<p>Hallo Jürgen,</p><p><a href=\"{}\">Adresse bestätigen</a></p>", LINK.replace('&', "&amp;"))),
    };
    mailer.send(&email).await.expect("send");

    let msg = sink.wait_for(|m| m.recipients == ["jurgen@example.com"], WAIT).await.expect("message captured");
    assert_eq!(msg.from, "noreply@mewayz.test");
    assert_eq!(msg.subject().as_deref(), Some(subject));
    let raw = String::from_utf8_lossy(&msg.data);
    assert!(raw.contains("multipart/alternative"), "{raw}");
    assert!(!raw.contains(LINK), "the link should be transfer-encoded in the raw message, or this test proves nothing");
    assert!(raw.contains("=\r\n"), "expected quoted-printable soft line breaks in:\n{raw}");
    assert!(!raw.contains("Bestätigen Sie Ihre"), "subject should be RFC 2047 encoded on the wire");

    let text = msg.text_body();
    assert!(text.contains(&format!("\n{LINK}\n")), "link not intact in text body:\n{text}");
    assert!(text.starts_with("Hallo Jürgen,\n\n"), "{text}");
    let html = msg.html_body().expect("html part");
    assert!(html.contains("Adresse bestätigen") && html.contains("&amp;email="), "{html}");
    assert_eq!(msg.links(), vec![LINK.to_string()], "text and html links are the same one");
    assert!(msg.to_header().unwrap().contains("jurgen@example.com"));

    // Stored as <timestamp>-<n>.eml with the envelope in front.
    let path = msg.path.clone().expect("stored");
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    assert!(name.ends_with(&format!("-{}.eml", msg.id)) && name.len() > 20, "{name}");
    let file = std::fs::read(&path).unwrap();
    assert!(file.starts_with(b"Return-Path: <noreply@mewayz.test>\r\nDelivered-To: jurgen@example.com\r\n"));
    assert!(file.ends_with(&msg.data));

    sink.stop().await;
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn plain_text_mail_is_single_part() {
    let sink = smtp_sink::start(loopback0(), None).await.unwrap();
    let mailer = Mailer::from_url(&sink.url(), "noreply@mewayz.test").unwrap();
    let email = OutgoingEmail { to: "a@example.com".into(), subject: "Plain".into(), text: format!("Reset: {LINK}"), html: None };
    // The waiter starts before the message exists.
    let (msg, sent) = tokio::join!(sink.wait_for(|m| m.subject().as_deref() == Some("Plain"), WAIT), async {
        tokio::time::sleep(Duration::from_millis(200)).await;
        mailer.send(&email).await
    });
    sent.unwrap();
    let msg = msg.expect("wait_for sees a message that arrives later");
    assert!(!String::from_utf8_lossy(&msg.data).contains("multipart"));
    assert_eq!(msg.text_body().trim_end(), format!("Reset: {LINK}"));
    assert_eq!(msg.html_body(), None);
    assert_eq!(msg.links(), vec![LINK.to_string()]);
    assert_eq!(msg.path, None);
}

#[tokio::test]
async fn many_concurrent_sends_all_arrive() {
    let sink = smtp_sink::start(loopback0(), None).await.unwrap();
    let mailer = Mailer::from_url(&sink.url(), "noreply@mewayz.test").unwrap();
    let sends = (0..20).map(|i| {
        let mailer = mailer.clone();
        async move {
            let email = OutgoingEmail { to: format!("user{i}@example.com"), subject: format!("n{i}"), text: "x".into(), html: None };
            mailer.send(&email).await
        }
    });
    for result in futures_join_all(sends).await {
        result.expect("send");
    }
    assert!(sink.wait_for(|_| false, Duration::from_millis(50)).await.is_none(), "wait_for times out");
    let messages = sink.messages();
    assert_eq!(messages.len(), 20);
    let mut subjects: Vec<_> = messages.iter().map(|m| m.subject().unwrap()).collect();
    subjects.sort();
    let mut expected: Vec<_> = (0..20).map(|i| format!("n{i}")).collect();
    expected.sort();
    assert_eq!(subjects, expected);
}

/// Runs futures concurrently on the runtime (no extra crate).
async fn futures_join_all<F>(futures: impl Iterator<Item = F>) -> Vec<F::Output>
where
    F: std::future::Future + Send + 'static,
    F::Output: Send + 'static,
{
    let handles: Vec<_> = futures.map(tokio::spawn).collect();
    let mut out = Vec::new();
    for h in handles {
        out.push(h.await.unwrap());
    }
    out
}

#[tokio::test]
async fn mailer_errors_are_classified() {
    // Invalid recipient: rejected before any connection.
    let sink = smtp_sink::start(loopback0(), None).await.unwrap();
    let mailer = Mailer::from_url(&sink.url(), "noreply@mewayz.test").unwrap();
    let bad = OutgoingEmail { to: "not an address".into(), subject: "s".into(), text: "t".into(), html: None };
    let err = mailer.send(&bad).await.unwrap_err();
    assert!(matches!(err, MailError::InvalidTo { .. }) && err.is_permanent(), "{err}");
    assert!(err.to_string().contains("not an address"));

    // Nothing listening: a transient transport error, worth retrying.
    let addr = sink.addr;
    sink.stop().await;
    assert!(TcpStream::connect(addr).await.is_err(), "stop() must close the port");
    let ok = OutgoingEmail { to: "a@example.com".into(), subject: "s".into(), text: "t".into(), html: None };
    let err = mailer.send(&ok).await.unwrap_err();
    assert!(matches!(err, MailError::Transport(_)) && !err.is_permanent(), "{err}");
}

#[tokio::test]
async fn sink_only_binds_loopback() {
    let err = smtp_sink::start("0.0.0.0:0".parse().unwrap(), None).await.unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
}

/// A line-based SMTP client for driving the sink by hand.
struct Client {
    reader: BufReader<OwnedReadHalf>,
    writer: OwnedWriteHalf,
}

impl Client {
    async fn connect(addr: SocketAddr) -> (Client, String) {
        let (r, w) = TcpStream::connect(addr).await.unwrap().into_split();
        let mut c = Client { reader: BufReader::new(r), writer: w };
        let greeting = c.reply().await;
        (c, greeting)
    }

    /// Reads one (possibly multi-line) reply.
    async fn reply(&mut self) -> String {
        let mut all = String::new();
        loop {
            let mut line = String::new();
            let n = tokio::time::timeout(WAIT, self.reader.read_line(&mut line)).await.expect("reply in time").unwrap();
            assert!(n > 0, "connection closed; got so far: {all:?}");
            assert!(line.ends_with("\r\n"), "reply lines end with CRLF: {line:?}");
            all.push_str(&line);
            if line.as_bytes().get(3) != Some(&b'-') {
                return all;
            }
        }
    }

    async fn cmd(&mut self, line: &str) -> String {
        self.writer.write_all(format!("{line}\r\n").as_bytes()).await.unwrap();
        self.reply().await
    }

    async fn send_raw(&mut self, bytes: &[u8]) -> String {
        self.writer.write_all(bytes).await.unwrap();
        self.reply().await
    }
}

fn code(reply: &str) -> &str {
    &reply[..3]
}

#[tokio::test]
async fn two_messages_on_one_connection_with_dot_stuffing() {
    let sink = smtp_sink::start(loopback0(), None).await.unwrap();
    let (mut c, greeting) = Client::connect(sink.addr).await;
    assert_eq!(code(&greeting), "220");

    assert_eq!(code(&c.cmd("MAIL FROM:<early@example.com>").await), "503", "MAIL before EHLO");
    let ehlo = c.cmd("EHLO client.example").await;
    assert!(ehlo.starts_with("250-") && ehlo.contains("8BITMIME") && ehlo.contains("SMTPUTF8"), "{ehlo}");
    assert!(ehlo.contains(&format!("SIZE {MAX_MESSAGE_BYTES}")), "{ehlo}");
    assert_eq!(code(&c.cmd("DATA").await), "503", "DATA before MAIL");
    assert_eq!(code(&c.cmd("XYZZY").await), "502");
    assert_eq!(code(&c.cmd("STARTTLS").await), "502");
    assert_eq!(code(&c.cmd("NOOP").await), "250");

    // Message 1: dot-stuffed lines come back unstuffed.
    assert_eq!(code(&c.cmd("MAIL FROM:<alice@example.com> BODY=8BITMIME").await), "250");
    assert_eq!(code(&c.cmd("RCPT TO:<bob@example.com>").await), "250");
    assert_eq!(code(&c.cmd("rcpt to:<carol@example.com>").await), "250", "commands are case-insensitive");
    assert_eq!(code(&c.cmd("DATA").await), "354");
    let body1 = "Subject: first\r\n\r\nline one\r\n..starts with a dot\r\n.\r\n";
    assert_eq!(code(&c.send_raw(body1.as_bytes()).await), "250");

    // An abandoned transaction is forgotten after RSET.
    assert_eq!(code(&c.cmd("MAIL FROM:<mallory@example.com>").await), "250");
    assert_eq!(code(&c.cmd("MAIL FROM:<mallory@example.com>").await), "503", "nested MAIL");
    assert_eq!(code(&c.cmd("RSET").await), "250");
    assert_eq!(code(&c.cmd("DATA").await), "503", "RSET cleared the transaction");

    // Message 2 on the same connection, null sender.
    assert_eq!(code(&c.cmd("MAIL FROM:<>").await), "250");
    assert_eq!(code(&c.cmd("RCPT TO:<dave@example.com>").await), "250");
    assert_eq!(code(&c.cmd("DATA").await), "354");
    assert_eq!(code(&c.send_raw(b"Subject: second\r\n\r\n.\r\n").await), "250", "empty body");
    assert_eq!(code(&c.cmd("QUIT").await), "221");

    let messages = sink.messages();
    assert_eq!(messages.len(), 2);
    assert_eq!(messages[0].from, "alice@example.com");
    assert_eq!(messages[0].recipients, ["bob@example.com", "carol@example.com"]);
    assert_eq!(messages[0].data, b"Subject: first\r\n\r\nline one\r\n.starts with a dot\r\n");
    assert_eq!(messages[0].text_body(), "line one\n.starts with a dot\n");
    assert_eq!(messages[1].from, "");
    assert_eq!(messages[1].recipients, ["dave@example.com"]);
    assert_eq!(messages[1].subject().as_deref(), Some("second"));
    assert!(messages[1].id > messages[0].id);
}

#[tokio::test]
async fn oversized_messages_get_552_and_the_connection_stays_usable() {
    let sink = smtp_sink::start(loopback0(), None).await.unwrap();
    let (mut c, _) = Client::connect(sink.addr).await;
    assert_eq!(code(&c.cmd("EHLO client.example").await), "250");

    // Declared up front.
    let declared = c.cmd(&format!("MAIL FROM:<a@example.com> SIZE={}", MAX_MESSAGE_BYTES + 1)).await;
    assert_eq!(code(&declared), "552", "{declared}");

    // Sent anyway: the whole body is read, then refused.
    assert_eq!(code(&c.cmd("MAIL FROM:<a@example.com>").await), "250");
    assert_eq!(code(&c.cmd("RCPT TO:<b@example.com>").await), "250");
    assert_eq!(code(&c.cmd("DATA").await), "354");
    let line = format!("{}\r\n", "x".repeat(998));
    let mut big = b"Subject: big\r\n\r\n".to_vec();
    while big.len() <= MAX_MESSAGE_BYTES + 1000 {
        big.extend_from_slice(line.as_bytes());
    }
    big.extend_from_slice(b".\r\n");
    let refused = c.send_raw(&big).await;
    assert_eq!(code(&refused), "552", "{refused}");

    // Same connection, a normal message afterwards (and one exactly at the limit).
    assert_eq!(code(&c.cmd("MAIL FROM:<a@example.com>").await), "250");
    assert_eq!(code(&c.cmd("RCPT TO:<b@example.com>").await), "250");
    assert_eq!(code(&c.cmd("DATA").await), "354");
    assert_eq!(code(&c.send_raw(b"Subject: small\r\n\r\nok\r\n.\r\n").await), "250");
    assert_eq!(code(&c.cmd("QUIT").await), "221");

    let messages = sink.messages();
    assert_eq!(messages.len(), 1);
    assert_eq!(messages[0].subject().as_deref(), Some("small"));
}

#[tokio::test]
async fn many_raw_connections_at_once() {
    let sink = smtp_sink::start(loopback0(), None).await.unwrap();
    let addr = sink.addr;
    // Open all connections first so they are really concurrent, then talk on each.
    let mut clients = Vec::new();
    for _ in 0..50 {
        clients.push(Client::connect(addr).await.0);
    }
    let tasks: Vec<_> = clients
        .into_iter()
        .enumerate()
        .map(|(i, mut c)| {
            tokio::spawn(async move {
                assert_eq!(code(&c.cmd("HELO x").await), "250");
                assert_eq!(code(&c.cmd("MAIL FROM:<a@example.com>").await), "250");
                assert_eq!(code(&c.cmd(&format!("RCPT TO:<u{i}@example.com>")).await), "250");
                assert_eq!(code(&c.cmd("DATA").await), "354");
                assert_eq!(code(&c.send_raw(format!("Subject: {i}\r\n\r\nhi\r\n.\r\n").as_bytes()).await), "250");
                assert_eq!(code(&c.cmd("QUIT").await), "221");
            })
        })
        .collect();
    for t in tasks {
        t.await.unwrap();
    }
    assert_eq!(sink.messages().len(), 50);
    let m = sink.wait_for(|m| m.recipients == ["u49@example.com"], WAIT).await.unwrap();
    assert_eq!(m.subject().as_deref(), Some("49"));
}
