//! Following a container's output as the daemon produces it: a foreground `docker run` and
//! `docker logs -f`. Streamed to the page, they last until the container stops or the learner
//! presses Ctrl-C (within [`STREAM_LIMIT`](super::stream::STREAM_LIMIT)); answered in one reply,
//! within [`COLLECT_LIMIT`](super::stream::COLLECT_LIMIT).

use std::time::Duration;

use bollard::container::LogOutput;
use bollard::query_parameters::{KillContainerOptionsBuilder, LogsOptionsBuilder, StopContainerOptionsBuilder};
use dockyard_engine::cli::LogsOptions;
use futures_util::{Stream, StreamExt};

use super::containers::resolve;
use super::output::daemon_error;
use super::stream::Out;
use super::Scope;

/// How long a foreground container has to end on its own after Ctrl-C forwarded SIGINT to it;
/// a process that ignores SIGINT (as a shell's `sleep` as PID 1 does) is then stopped.
const AFTER_INTERRUPT: Duration = Duration::from_secs(3);

/// The daemon's log frames of a container, from its start.
pub fn logs_stream<'a>(
    scope: &'a Scope<'_>,
    id: &'a str,
    follow: bool,
    tail: Option<&str>,
    timestamps: bool,
) -> impl Stream<Item = Result<LogOutput, bollard::errors::Error>> + 'a {
    let options = LogsOptionsBuilder::default()
        .stdout(true)
        .stderr(true)
        .follow(follow)
        .timestamps(timestamps)
        .tail(tail.unwrap_or("all"))
        .build();
    scope.docker.logs(id, Some(options))
}

fn pass_on(out: &mut Out, chunk: LogOutput) {
    match chunk {
        LogOutput::StdErr { message } => out.stderr(&String::from_utf8_lossy(&message)),
        other => out.stdout(&String::from_utf8_lossy(&other.into_bytes())),
    }
}

/// How following a stream ended.
enum Ended {
    /// The stream ended: the container stopped.
    Done,
    Interrupted,
    TimedOut,
}

/// Passes frames on until the stream ends, Ctrl-C, or `limit`.
async fn follow(
    out: &mut Out,
    stream: impl Stream<Item = Result<LogOutput, bollard::errors::Error>>,
    limit: Duration,
    watch_interrupt: bool,
) -> Ended {
    let mut stream = std::pin::pin!(stream);
    let deadline = tokio::time::sleep(limit);
    let mut deadline = std::pin::pin!(deadline);
    loop {
        tokio::select! {
            chunk = stream.next() => match chunk {
                Some(Ok(chunk)) => pass_on(out, chunk),
                _ => return Ended::Done,
            },
            _ = out.interrupted(), if watch_interrupt => return Ended::Interrupted,
            _ = &mut deadline => return Ended::TimedOut,
        }
    }
}

/// A started foreground container: its output as it comes, until it stops, and its exit code.
/// Ctrl-C forwards SIGINT, as the docker CLI's signal proxy does, and stops a container that
/// ignores it.
pub async fn foreground(scope: &Scope<'_>, id: &str, out: &mut Out) -> i32 {
    let limit = out.limit();
    match follow(out, logs_stream(scope, id, true, None, false), limit, true).await {
        Ended::Done => {}
        Ended::Interrupted => {
            let int = KillContainerOptionsBuilder::default().signal("INT").build();
            let _ = scope.docker.kill_container(id, Some(int)).await;
            let rest = logs_stream(scope, id, true, Some("0"), false);
            if !matches!(follow(out, rest, AFTER_INTERRUPT, false).await, Ended::Done) {
                stop(scope, id).await;
            }
        }
        Ended::TimedOut => {
            stop(scope, id).await;
            out.stderr(&format!(
                "dockyard: stopped the container after {} seconds; use -d for longer work\n",
                limit.as_secs()
            ));
            return 137;
        }
    }
    let mut wait = scope.docker.wait_container(id, None);
    match wait.next().await {
        Some(Ok(done)) => done.status_code as i32,
        // bollard reports a non-zero exit as an error that carries the code.
        Some(Err(bollard::errors::Error::DockerContainerWaitError { code, .. })) => code as i32,
        Some(Err(e)) => out.relay(daemon_error(scope, "docker: ", &e, 125)),
        None => 125,
    }
}

async fn stop(scope: &Scope<'_>, id: &str) {
    let stop = StopContainerOptionsBuilder::default().t(1).build();
    let _ = scope.docker.stop_container(id, Some(stop)).await;
}

/// `docker logs`; `-f` follows until the container stops or Ctrl-C.
pub async fn logs(scope: &Scope<'_>, options: LogsOptions, out: &mut Out) -> i32 {
    let id = match resolve(scope, &options.container).await {
        Ok(id) => id,
        Err(refused) => return out.relay(refused),
    };
    let limit = out.limit();
    let stream = logs_stream(scope, &id, options.follow, options.tail.as_deref(), options.timestamps);
    match follow(out, stream, limit, true).await {
        Ended::Done => 0,
        // The docker CLI ends on SIGINT, and the shell reports 130.
        Ended::Interrupted => 130,
        Ended::TimedOut => {
            out.stderr(&format!("dockyard: stopped following after {} seconds\n", limit.as_secs()));
            0
        }
    }
}
