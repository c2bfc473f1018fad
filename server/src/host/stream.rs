//! Where a command's output goes as the daemon produces it: collected into one reply (`POST
//! /api/host/run`), or sent to the page as it comes (the `/api/host/stream` WebSocket), with the
//! page's Ctrl-C arriving as an interrupt that long commands (`logs -f`, a foreground `run`,
//! `pull`, `build`) watch for.

use std::time::Duration;

use tokio::sync::{mpsc, watch};

use super::HostReply;

/// The longest a streamed command follows a container or a build before the server ends it: a
/// safety net for a page that neither stops it nor goes away, far beyond any lesson's needs.
pub const STREAM_LIMIT: Duration = Duration::from_secs(60 * 60);

/// The longest a command answered in one reply (`POST /api/host/run`) follows, since nothing is
/// shown to the learner until it ends.
pub const COLLECT_LIMIT: Duration = Duration::from_secs(30);

/// The most output one collected reply carries.
const MAX_COLLECTED_BYTES: usize = 1 << 20;

/// A piece of output, for standard output or standard error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Chunk {
    Stdout(String),
    Stderr(String),
}

/// A command's output as it comes.
pub struct Out {
    sender: Option<mpsc::UnboundedSender<Chunk>>,
    interrupt: Option<watch::Receiver<bool>>,
    collected: HostReply,
}

impl Out {
    /// Output kept for one reply at the end.
    pub fn collect() -> Self {
        Out { sender: None, interrupt: None, collected: HostReply::default() }
    }

    /// Output sent as it comes, and an interrupt the page can raise.
    pub fn streaming(sender: mpsc::UnboundedSender<Chunk>, interrupt: watch::Receiver<bool>) -> Self {
        Out { sender: Some(sender), interrupt: Some(interrupt), collected: HostReply::default() }
    }

    /// How long a command may follow a container or a build.
    pub fn limit(&self) -> Duration {
        if self.sender.is_some() {
            STREAM_LIMIT
        } else {
            COLLECT_LIMIT
        }
    }

    pub fn stdout(&mut self, text: &str) {
        self.send(Chunk::Stdout(text.to_string()));
    }

    pub fn stderr(&mut self, text: &str) {
        self.send(Chunk::Stderr(text.to_string()));
    }

    fn send(&mut self, chunk: Chunk) {
        if text_of(&chunk).is_empty() {
            return;
        }
        if let Some(sender) = &self.sender {
            // A page that went away stops reading; the command ends at its next interrupt check.
            let _ = sender.send(chunk);
            return;
        }
        let reply = &mut self.collected;
        if reply.stdout.len() + reply.stderr.len() > MAX_COLLECTED_BYTES {
            return;
        }
        match chunk {
            Chunk::Stdout(text) => reply.stdout.push_str(&text),
            Chunk::Stderr(text) => reply.stderr.push_str(&text),
        }
    }

    /// Passes a reply's text on, and gives its exit code.
    pub fn relay(&mut self, reply: HostReply) -> i32 {
        self.stdout(&reply.stdout);
        self.stderr(&reply.stderr);
        reply.exit_code
    }

    /// Resolves when the page presses Ctrl-C or goes away; never for a collected reply.
    pub async fn interrupted(&mut self) {
        match &mut self.interrupt {
            Some(interrupt) => {
                // A closed channel means the page went away, which interrupts as Ctrl-C does.
                let _ = interrupt.wait_for(|pressed| *pressed).await;
            }
            None => std::future::pending().await,
        }
    }

    /// The reply the command ends with: what was collected (nothing when streamed) and the code.
    pub fn finish(self, exit_code: i32) -> HostReply {
        HostReply { exit_code, ..self.collected }
    }
}

fn text_of(chunk: &Chunk) -> &str {
    match chunk {
        Chunk::Stdout(text) | Chunk::Stderr(text) => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collected_output_is_kept_and_streamed_output_is_sent() {
        let mut out = Out::collect();
        out.stdout("a\n");
        out.stderr("b\n");
        let reply = out.finish(3);
        assert_eq!((reply.stdout.as_str(), reply.stderr.as_str(), reply.exit_code), ("a\n", "b\n", 3));

        let (sender, mut receiver) = mpsc::unbounded_channel();
        let (_press, interrupt) = watch::channel(false);
        let mut out = Out::streaming(sender, interrupt);
        out.stdout("a\n");
        out.stderr("");
        out.stderr("b\n");
        assert_eq!(out.limit(), STREAM_LIMIT);
        let reply = out.finish(0);
        assert!(reply.stdout.is_empty() && reply.stderr.is_empty(), "streamed output is not sent twice");
        assert_eq!(receiver.try_recv(), Ok(Chunk::Stdout("a\n".into())));
        assert_eq!(receiver.try_recv(), Ok(Chunk::Stderr("b\n".into())));
        assert!(receiver.try_recv().is_err());
    }

    #[test]
    fn ctrl_c_and_a_page_gone_both_interrupt() {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        runtime.block_on(async {
            let (sender, _receiver) = mpsc::unbounded_channel();
            let (press, interrupt) = watch::channel(false);
            let mut out = Out::streaming(sender.clone(), interrupt);
            press.send(true).unwrap();
            tokio::time::timeout(Duration::from_secs(1), out.interrupted()).await.expect("Ctrl-C interrupts");

            let (press, interrupt) = watch::channel(false);
            let mut out = Out::streaming(sender, interrupt);
            drop(press);
            tokio::time::timeout(Duration::from_secs(1), out.interrupted()).await.expect("a closed page interrupts");

            let mut out = Out::collect();
            assert!(tokio::time::timeout(Duration::from_millis(50), out.interrupted()).await.is_err());
        });
    }
}
