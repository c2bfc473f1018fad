//! Containers in Web Workers: each process runs on a worker of its own, so that a guest that spins
//! cannot freeze the page, several containers run at once, and `docker stop` can end one at once.
//!
//! The worker loads this same WebAssembly module and runs [`worker_run`], the same browser WASI
//! host the page uses, over the container's layers. Messages are JSON: the job in, then output as
//! the guest writes it, then how the process ended and the writable layer it left.

use std::cell::RefCell;
use std::rc::Rc;

use dockyard_engine::container::ContainerId;
use dockyard_engine::fs::UnionFs;
use dockyard_engine::layer::{Bytes, Layer};
use dockyard_engine::wasi::Stream;
use dockyard_engine::{ExitStatus, Process, ProcessOutcome};
use futures_channel::mpsc;
use serde::{Deserialize, Serialize};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};

use crate::network::{self, Answer, Call};
use crate::runtime;

/// What the page sends a worker: the process, its filesystem as layers (the writable one last).
#[derive(Serialize, Deserialize)]
struct Job {
    container: ContainerId,
    module: Bytes,
    args: Vec<String>,
    env: Vec<String>,
    layers: Vec<Layer>,
    #[serde(default)]
    memory_limit: Option<u64>,
    #[serde(default)]
    net: dockyard_engine::net::NetConfig,
}

/// What a worker sends the page.
#[derive(Serialize, Deserialize)]
// Externally tagged, as `Call` is, for the same reason: it needs no buffering to decode.
#[serde(rename_all = "lowercase")]
enum Message {
    /// Loaded and listening: the job may come. `transferred` is what the worker fetched to load
    /// (Resource Timing's `transferSize`), which the page's own timeline does not count.
    Ready {
        #[serde(default)]
        transferred: f64,
    },
    Output {
        stream: Stream,
        data: Bytes,
    },
    /// The process waits on its standard input, in the shared buffer.
    Wants,
    /// A socket call, whose answer the worker waits for in the shared answer buffer.
    Net {
        call: Call,
    },
    /// What the process uses: memory in bytes, CPU time in nanoseconds.
    Usage {
        memory: u64,
        cpu_ns: u64,
    },
    Exit {
        code: Option<i32>,
        trap: Option<String>,
        upper: Option<Layer>,
        #[serde(default)]
        out_of_memory: bool,
    },
}

/// What the page hears from a running container.
pub enum Event {
    Output(Stream, Vec<u8>),
    /// It reads its standard input: the page should hand it a line with [`Running::send_input`].
    WantsInput,
    /// What it uses now: memory in bytes, CPU time in nanoseconds.
    Usage(u64, u64),
    /// A socket call: the page answers it with [`Running::answer`].
    Net(Call),
    Exit(ProcessOutcome),
}

fn post(message: &Message) {
    let scope: web_sys::DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let _ = scope.post_message(&JsValue::from_str(&serde_json::to_string(message).unwrap_or_default()));
}

/// The layout of a standard input shared between the page and a worker: a state word (empty,
/// a line waiting, or the end of input), the line's length, then its bytes.
const STDIN_EMPTY: i32 = 0;
const STDIN_LINE: i32 = 1;
const STDIN_END: i32 = 2;
const STDIN_CAPACITY: u32 = 64 * 1024;

/// A process's standard input in a worker: it asks the page for a line and sleeps on the shared
/// buffer until the page has put one there.
struct SharedInput {
    header: js_sys::Int32Array,
    data: js_sys::Uint8Array,
    pending: Vec<u8>,
    ended: bool,
}

impl dockyard_engine::wasi::Input for SharedInput {
    fn read(&mut self, max: usize, flush: Vec<(Stream, Vec<u8>)>) -> Vec<u8> {
        for (stream, bytes) in flush {
            post(&Message::Output { stream, data: Bytes::from(bytes) });
        }
        if self.pending.is_empty() && !self.ended {
            post(&Message::Wants);
            while js_sys::Atomics::load(&self.header, 0).unwrap_or(STDIN_END) == STDIN_EMPTY {
                let _ = js_sys::Atomics::wait(&self.header, 0, STDIN_EMPTY);
            }
            match js_sys::Atomics::load(&self.header, 0).unwrap_or(STDIN_END) {
                STDIN_LINE => {
                    let len =
                        js_sys::Atomics::load(&self.header, 1).unwrap_or(0).clamp(0, STDIN_CAPACITY as i32) as u32;
                    self.pending = self.data.subarray(0, len).to_vec();
                    let _ = js_sys::Atomics::store(&self.header, 0, STDIN_EMPTY);
                }
                _ => self.ended = true,
            }
        }
        let take = self.pending.len().min(max);
        self.pending.drain(..take).collect()
    }
}

fn post_call(call: &Call) {
    post(&Message::Net { call: call.clone() });
}

fn post_output(stream: Stream, bytes: Vec<u8>) {
    post(&Message::Output { stream, data: Bytes::from(bytes) });
}

/// Inside a worker: runs the job `json` describes, posting its output and then its end. With a
/// shared buffer as `stdin`, the process reads lines the page puts there; with one as `control`,
/// the page can pause it; with one as `net`, it has sockets, whose calls the page answers there.
#[wasm_bindgen]
pub async fn worker_run(json: String, stdin: JsValue, control: JsValue, net: JsValue) {
    let Ok(job) = serde_json::from_str::<Job>(&json) else {
        post(&Message::Exit {
            code: None,
            trap: Some("the page sent a job this worker cannot read".into()),
            upper: None,
            out_of_memory: false,
        });
        return;
    };
    let mut layers = job.layers;
    let upper = layers.pop().unwrap_or_default();
    let process = Process {
        container: job.container,
        module: job.module,
        args: job.args,
        env: job.env,
        root: UnionFs::with_upper(layers, upper),
        memory_limit: job.memory_limit,
        interactive: false,
        net: job.net,
    };
    let sink: runtime::OutputSink =
        Box::new(|stream, bytes| post(&Message::Output { stream, data: Bytes::from(bytes) }));
    let input = stdin.dyn_into::<js_sys::SharedArrayBuffer>().ok().map(|buffer| {
        let input = SharedInput {
            header: js_sys::Int32Array::new_with_byte_offset_and_length(&buffer, 0, 2),
            data: js_sys::Uint8Array::new_with_byte_offset_and_length(&buffer, 8, STDIN_CAPACITY),
            pending: Vec::new(),
            ended: false,
        };
        Box::new(input) as Box<dyn dockyard_engine::wasi::Input>
    });
    let pause = control.dyn_into::<js_sys::SharedArrayBuffer>().ok().map(|buffer| js_sys::Int32Array::new(&buffer));
    let usage: runtime::UsageSink = Box::new(|memory, cpu_ns| post(&Message::Usage { memory, cpu_ns }));
    let network = net.dyn_into::<js_sys::SharedArrayBuffer>().ok().map(|buffer| {
        let shared = network::SharedNetwork {
            config: process.net.clone(),
            header: js_sys::Int32Array::new_with_byte_offset_and_length(&buffer, 0, 2),
            data: js_sys::Uint8Array::new_with_byte_offset_and_length(&buffer, 8, network::ANSWER_CAPACITY),
            post: post_call,
            output: post_output,
        };
        Box::new(shared) as Box<dyn dockyard_engine::wasi::Network>
    });
    let host = runtime::Host { output: Some(sink), input, pause, usage: Some(usage), network };
    let outcome = runtime::run_with(&process, host).await;
    for (stream, bytes) in outcome.output {
        post(&Message::Output { stream, data: Bytes::from(bytes) });
    }
    let out_of_memory = outcome.status == ExitStatus::OutOfMemory;
    let (code, trap) = match outcome.status {
        ExitStatus::Code(code) => (Some(code), None),
        ExitStatus::Trap(why) => (None, Some(why)),
        ExitStatus::Killed(signal) => (Some(128 + signal), None),
        ExitStatus::OutOfMemory => (Some(137), None),
    };
    post(&Message::Exit { code, trap, upper: outcome.upper, out_of_memory });
}

/// A container's process running on a worker, seen from the page.
pub struct Running {
    worker: web_sys::Worker,
    _on_message: Closure<dyn FnMut(web_sys::MessageEvent)>,
    /// The standard input shared with the worker, for `-i` processes on a cross-origin isolated page.
    stdin: Option<js_sys::SharedArrayBuffer>,
    /// The pause flag shared with the worker, on a cross-origin isolated page.
    control: Option<js_sys::SharedArrayBuffer>,
    /// Where the page puts its answers to the worker's socket calls.
    net: Option<js_sys::SharedArrayBuffer>,
}

impl Running {
    /// Ends the process at once, as SIGKILL does.
    pub fn terminate(&self) {
        self.worker.terminate();
    }

    /// Pauses or thaws the process; false where the page cannot share memory with its workers.
    pub fn set_paused(&self, paused: bool) -> bool {
        let Some(buffer) = &self.control else { return false };
        let flag = js_sys::Int32Array::new(buffer);
        let _ = js_sys::Atomics::store(&flag, 0, i32::from(paused));
        let _ = js_sys::Atomics::notify(&flag, 0);
        true
    }

    /// Answers the process's socket call and wakes it.
    pub fn answer(&self, answer: &Answer) {
        let Some(buffer) = &self.net else { return };
        let json = serde_json::to_vec(answer).unwrap_or_default();
        let header = js_sys::Int32Array::new_with_byte_offset_and_length(buffer, 0, 2);
        let data = js_sys::Uint8Array::new_with_byte_offset_and_length(buffer, 8, network::ANSWER_CAPACITY);
        let len = (json.len() as u32).min(network::ANSWER_CAPACITY);
        data.subarray(0, len).copy_from(&json[..len as usize]);
        let _ = js_sys::Atomics::store(&header, 1, len as i32);
        let _ = js_sys::Atomics::store(&header, 0, network::ANSWER_READY);
        let _ = js_sys::Atomics::notify(&header, 0);
    }

    /// Hands the process a line of standard input, or its end (`None`), and wakes it.
    pub fn send_input(&self, line: Option<&[u8]>) {
        let Some(buffer) = &self.stdin else { return };
        let header = js_sys::Int32Array::new_with_byte_offset_and_length(buffer, 0, 2);
        match line {
            Some(bytes) => {
                let len = (bytes.len() as u32).min(STDIN_CAPACITY);
                let data = js_sys::Uint8Array::new_with_byte_offset_and_length(buffer, 8, STDIN_CAPACITY);
                data.subarray(0, len).copy_from(&bytes[..len as usize]);
                let _ = js_sys::Atomics::store(&header, 1, len as i32);
                let _ = js_sys::Atomics::store(&header, 0, STDIN_LINE);
            }
            None => {
                let _ = js_sys::Atomics::store(&header, 0, STDIN_END);
            }
        }
        let _ = js_sys::Atomics::notify(&header, 0);
    }
}

/// Whether the page may share memory with its workers, which blocking standard input needs.
fn isolated() -> bool {
    js_sys::Reflect::get(&js_sys::global(), &"crossOriginIsolated".into()).ok().and_then(|v| v.as_bool()) == Some(true)
}

/// The worker's script: it loads the app's module, says it is ready, and runs the first job.
fn bootstrap() -> Result<String, String> {
    let document = web_sys::window().and_then(|w| w.document()).ok_or("no document")?;
    let base = document.base_uri().map_err(|e| format!("{e:?}"))?.unwrap_or_default();
    let module = web_sys::Url::new_with_base("dockyard.js", &base).map_err(|e| format!("{e:?}"))?.href();
    let wasm = web_sys::Url::new_with_base("dockyard_bg.wasm", &base).map_err(|e| format!("{e:?}"))?.href();
    Ok(format!(
        "import init, {{ worker_run }} from {module:?};\n\
         self.onmessage = (event) => worker_run(event.data[0], event.data[1], event.data[2], event.data[3]);\n\
         await init({{ module_or_path: {wasm:?} }});\n\
         const transferred = performance.getEntriesByType(\"resource\").reduce((n, e) => n + e.transferSize, 0);\n\
         self.postMessage(JSON.stringify({{ ready: {{ transferred }} }}));\n"
    ))
}

/// Starts `process` on a worker of its own; its output and its end arrive on the returned channel.
pub fn spawn(process: &Process) -> Result<(Running, mpsc::UnboundedReceiver<Event>), String> {
    let js = |e: JsValue| format!("{e:?}");
    let parts = js_sys::Array::of1(&JsValue::from_str(&bootstrap()?));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("text/javascript");
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options).map_err(js)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(js)?;
    let worker_options = web_sys::WorkerOptions::new();
    worker_options.set_type(web_sys::WorkerType::Module);
    let worker = web_sys::Worker::new_with_options(&url, &worker_options).map_err(js)?;
    let job = Job {
        container: process.container.clone(),
        module: process.module.clone(),
        args: process.args.clone(),
        env: process.env.clone(),
        layers: process.root.layers().to_vec(),
        memory_limit: process.memory_limit,
        net: process.net.clone(),
    };
    let job = Rc::new(RefCell::new(Some(serde_json::to_string(&job).map_err(|e| e.to_string())?)));
    let stdin = (process.interactive && isolated()).then(|| js_sys::SharedArrayBuffer::new(8 + STDIN_CAPACITY));
    let stdin_for_job = stdin.clone().map_or(JsValue::NULL, JsValue::from);
    let control = isolated().then(|| js_sys::SharedArrayBuffer::new(4));
    let control_for_job = control.clone().map_or(JsValue::NULL, JsValue::from);
    // Sockets need the worker to wait for the page's answers, which only shared memory allows.
    let net = (isolated() && process.net.container.is_some())
        .then(|| js_sys::SharedArrayBuffer::new(8 + network::ANSWER_CAPACITY));
    let net_for_job = net.clone().map_or(JsValue::NULL, JsValue::from);
    let (sender, receiver) = mpsc::unbounded();
    let target = worker.clone();
    let url_for_revoke = url.clone();
    let on_message = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
        let text = event.data().as_string().unwrap_or_default();
        match serde_json::from_str::<Message>(&text) {
            Ok(Message::Ready { transferred }) => {
                if let Some(job) = job.borrow_mut().take() {
                    crate::marks::container_started(transferred);
                    let message =
                        js_sys::Array::of4(&JsValue::from_str(&job), &stdin_for_job, &control_for_job, &net_for_job);
                    let _ = target.post_message(&message);
                }
                // The worker has loaded its script; the address can go.
                let _ = web_sys::Url::revoke_object_url(&url_for_revoke);
            }
            Ok(Message::Output { stream, data }) => {
                let _ = sender.unbounded_send(Event::Output(stream, data.0.to_vec()));
            }
            Ok(Message::Wants) => {
                let _ = sender.unbounded_send(Event::WantsInput);
            }
            Ok(Message::Usage { memory, cpu_ns }) => {
                let _ = sender.unbounded_send(Event::Usage(memory, cpu_ns));
            }
            Ok(Message::Net { call }) => {
                let _ = sender.unbounded_send(Event::Net(call));
            }
            Ok(Message::Exit { code, trap, upper, out_of_memory }) => {
                let status = match (code, trap) {
                    _ if out_of_memory => ExitStatus::OutOfMemory,
                    (_, Some(why)) => ExitStatus::Trap(why),
                    (Some(code), None) => ExitStatus::Code(code),
                    (None, None) => ExitStatus::Trap("the worker ended without an exit code".into()),
                };
                let _ = sender.unbounded_send(Event::Exit(ProcessOutcome { status, output: Vec::new(), upper }));
            }
            Err(_) => {}
        }
    });
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    Ok((Running { worker, _on_message: on_message, stdin, control, net }, receiver))
}
