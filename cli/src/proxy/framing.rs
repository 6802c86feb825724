//! Refusing request smuggling. hyper reads a request with two equal
//! `Content-Length`s as one, and one with `Transfer-Encoding` and
//! `Content-Length` as chunked, dropping the length: by the time a request
//! reaches the proxy's handler, the ambiguity is gone from its headers.
//! A server behind another hop could read the same bytes differently, so
//! the proxy refuses such requests outright; to see them it watches the
//! bytes hyper reads and parses each request head itself (httparse, as
//! hyper does).
//!
//! It follows `Content-Length` bodies to find the next head on a kept-alive
//! connection. It does not parse chunked bodies: after one, it stops
//! watching and asks for the connection to close once that answer is sent
//! (a client sending chunked bodies pays a new connection per request).

use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// Largest head parsed; hyper refuses larger ones itself (64 KiB buffer).
const MAX_HEAD: usize = 64 * 1024;

/// What the watcher found on one connection, read by the handler.
#[derive(Default)]
pub struct Findings {
    /// 0: none; else an index into [`AMBIGUITIES`] + 1.
    ambiguous: AtomicU8,
    /// The watcher stopped (after a chunked body): close after this answer.
    close: AtomicBool,
}

const AMBIGUITIES: [&str; 3] = [
    "more than one Content-Length",
    "Transfer-Encoding together with Content-Length",
    "more than one Transfer-Encoding",
];

impl Findings {
    /// Why this connection's framing is ambiguous, if it is.
    pub fn ambiguity(&self) -> Option<&'static str> {
        match self.ambiguous.load(Ordering::Acquire) {
            0 => None,
            n => AMBIGUITIES.get(usize::from(n) - 1).copied(),
        }
    }

    pub fn should_close(&self) -> bool {
        self.close.load(Ordering::Acquire)
    }
}

enum State {
    /// Reading a request head: the bytes so far.
    Head(Vec<u8>),
    /// Skipping this many body bytes.
    Body(u64),
    /// Not watching any more.
    Stopped,
}

/// A connection whose request heads are checked as hyper reads them.
pub struct Watched<S> {
    inner: S,
    state: State,
    findings: Arc<Findings>,
}

impl<S> Watched<S> {
    pub fn new(inner: S) -> (Watched<S>, Arc<Findings>) {
        let findings = Arc::new(Findings::default());
        let watched = Watched {
            inner,
            state: State::Head(Vec::new()),
            findings: Arc::clone(&findings),
        };
        (watched, findings)
    }

    fn feed(&mut self, mut data: &[u8]) {
        while !data.is_empty() {
            match &mut self.state {
                State::Stopped => return,
                State::Body(left) => {
                    let take = (*left).min(data.len() as u64);
                    data = &data[take as usize..];
                    *left -= take;
                    if *left == 0 {
                        self.state = State::Head(Vec::new());
                    }
                }
                State::Head(head) => {
                    let before = head.len();
                    head.extend_from_slice(data);
                    let from = before.saturating_sub(3);
                    let Some(at) = head[from..].windows(4).position(|w| w == b"\r\n\r\n") else {
                        if head.len() > MAX_HEAD {
                            self.state = State::Stopped;
                        }
                        return;
                    };
                    let end = from + at + 4;
                    data = &data[end - before..];
                    let head = std::mem::take(head);
                    self.state = self.inspect(&head[..end]);
                }
            }
        }
    }

    /// The state after the request head `head`.
    fn inspect(&self, head: &[u8]) -> State {
        // Blank lines before a request are allowed (and skipped by hyper).
        let start = head.iter().position(|&b| b != b'\r' && b != b'\n');
        let Some(start) = start else {
            return State::Head(Vec::new());
        };
        let mut headers = [httparse::EMPTY_HEADER; 128];
        let mut request = httparse::Request::new(&mut headers);
        if !matches!(
            request.parse(&head[start..]),
            Ok(httparse::Status::Complete(_))
        ) {
            // hyper refuses it too; nothing more to follow.
            return State::Stopped;
        }
        let named = |name: &'static str| {
            request
                .headers
                .iter()
                .filter(move |h| h.name.eq_ignore_ascii_case(name))
        };
        let lengths = named("content-length").count();
        let encodings = named("transfer-encoding").count();
        let ambiguity = if lengths > 1 {
            Some(1)
        } else if lengths == 1 && encodings > 0 {
            Some(2)
        } else if encodings > 1 {
            Some(3)
        } else {
            None
        };
        if let Some(n) = ambiguity {
            self.findings.ambiguous.store(n, Ordering::Release);
            return State::Stopped;
        }
        if encodings > 0 {
            self.findings.close.store(true, Ordering::Release);
            return State::Stopped;
        }
        let length = named("content-length")
            .next()
            .and_then(|h| std::str::from_utf8(h.value).ok())
            .map(|v| v.trim().parse::<u64>());
        match length {
            None | Some(Ok(0)) => State::Head(Vec::new()),
            Some(Ok(n)) => State::Body(n),
            Some(Err(_)) => State::Stopped,
        }
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for Watched<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.inner).poll_read(cx, buf);
        if let Poll::Ready(Ok(())) = &polled {
            let this = &mut *self;
            if !matches!(this.state, State::Stopped) {
                this.feed(&buf.filled()[before..]);
            }
        }
        polled
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Watched<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn findings(bytes: &[&[u8]]) -> Arc<Findings> {
        let (mut watched, findings) = Watched::new(());
        for piece in bytes {
            watched.feed(piece);
        }
        findings
    }

    #[test]
    fn finds_ambiguous_framing_in_any_request_of_a_connection() {
        let clean = b"POST /a HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello";
        assert!(findings(&[clean, clean]).ambiguity().is_none());
        let doubled = b"POST /a HTTP/1.1\r\nContent-Length: 2\r\ncontent-length: 2\r\n\r\n{}";
        assert_eq!(
            findings(&[clean, doubled]).ambiguity(),
            Some("more than one Content-Length")
        );
        // Split anywhere, even inside the blank line.
        let (a, b) = doubled.split_at(40);
        assert!(findings(&[clean, a, b]).ambiguity().is_some());
        let mixed = b"POST /a HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n";
        assert_eq!(
            findings(&[mixed]).ambiguity(),
            Some("Transfer-Encoding together with Content-Length")
        );
        // A body that looks like a head is a body.
        let tricky = b"POST /a HTTP/1.1\r\nContent-Length: 58\r\n\r\nPOST /b HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\n";
        assert!(findings(&[tricky]).ambiguity().is_none());
    }

    #[test]
    fn stops_after_a_chunked_body_and_asks_to_close() {
        let chunked = b"POST /a HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n";
        let found = findings(&[chunked]);
        assert!(found.ambiguity().is_none() && found.should_close());
    }
}
