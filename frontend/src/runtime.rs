//! The browser's host for container processes: the page's own WebAssembly engine runs the guest,
//! and each WASI import is a thin call into the engine's preview1 implementation.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use dockyard_engine::wasi::{self, checked_range, Clocks, Errno, GuestMemory, Input, WasiCtx};
use dockyard_engine::{Entropy, ExitStatus, Process, ProcessOutcome};
use js_sys::{Array, Function, Object, Reflect, Uint8Array, WebAssembly};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// The guest's linear memory, read through a fresh view on every access because `memory.grow`
/// replaces the underlying buffer.
struct JsMemory(Option<WebAssembly::Memory>);

impl JsMemory {
    fn view(&self) -> Option<Uint8Array> {
        self.0.as_ref().map(|m| Uint8Array::new(&m.buffer()))
    }
}

impl GuestMemory for JsMemory {
    fn size(&self) -> usize {
        self.view().map_or(0, |v| v.length() as usize)
    }

    fn read(&self, addr: u32, out: &mut [u8]) -> Result<(), Errno> {
        let view = self.view().ok_or(Errno::Fault)?;
        let range = checked_range(addr, out.len(), view.length() as usize)?;
        view.subarray(range.start as u32, range.end as u32).copy_to(out);
        Ok(())
    }

    fn write(&mut self, addr: u32, data: &[u8]) -> Result<(), Errno> {
        let view = self.view().ok_or(Errno::Fault)?;
        let range = checked_range(addr, data.len(), view.length() as usize)?;
        view.subarray(range.start as u32, range.end as u32).copy_from(data);
        Ok(())
    }
}

/// The global object: the window on the page, the worker's scope in a worker.
fn global(name: &str) -> JsValue {
    Reflect::get(&js_sys::global(), &name.into()).unwrap_or(JsValue::UNDEFINED)
}

/// The browser's clocks: `Date.now()` for wall time, `performance.now()` for monotonic time. A
/// worker of a cross-origin isolated page really sleeps, on `Atomics.wait`; the page's own
/// thread must never block, so there a guest's sleep moves these clocks forward instead: the
/// guest sees its time pass, and the page stays responsive.
#[derive(Default)]
struct BrowserClocks {
    slept: Cell<u64>,
}

impl Clocks for BrowserClocks {
    fn realtime(&self) -> u64 {
        (js_sys::Date::now() * 1e6) as u64 + self.slept.get()
    }

    fn monotonic(&self) -> u64 {
        let performance = global("performance");
        let now = Reflect::get(&performance, &"now".into())
            .ok()
            .and_then(|f| f.dyn_into::<Function>().ok())
            .and_then(|f| f.call0(&performance).ok())
            .and_then(|v| v.as_f64())
            .unwrap_or(0.0);
        (now * 1e6) as u64 + self.slept.get()
    }

    fn sleep(&self, nanos: u64) {
        let in_worker = web_sys::window().is_none();
        let isolated = global("crossOriginIsolated").as_bool() == Some(true);
        if in_worker && isolated {
            let cell = js_sys::Int32Array::new(&js_sys::SharedArrayBuffer::new(4));
            let millis = nanos as f64 / 1e6;
            if js_sys::Atomics::wait_with_timeout(&cell, 0, 0, millis).is_ok() {
                return;
            }
        }
        self.slept.set(self.slept.get().saturating_add(nanos));
    }
}

/// The browser's cryptographic randomness, from the page's or the worker's `crypto`.
pub struct BrowserEntropy;

impl Entropy for BrowserEntropy {
    fn fill(&mut self, buf: &mut [u8]) {
        let crypto = global("crypto");
        let get = Reflect::get(&crypto, &"getRandomValues".into()).ok().and_then(|f| f.dyn_into::<Function>().ok());
        // getRandomValues fills at most 65536 bytes per call.
        for chunk in buf.chunks_mut(65_536) {
            if let Some(get) = &get {
                let view = Uint8Array::new_with_length(chunk.len() as u32);
                if get.call1(&crypto, &view).is_ok() {
                    view.copy_to(chunk);
                }
            }
        }
    }
}

/// Runs `process` to its end in this page.
pub async fn run(process: &Process) -> ProcessOutcome {
    run_with(process, Host::default()).await
}

/// What a host lends a process besides its files: where its output goes as it writes it, its
/// standard input, and a flag that pauses it (a shared word: while it holds 1, the process
/// sleeps at its next call).
#[derive(Default)]
pub struct Host {
    pub output: Option<OutputSink>,
    pub input: Option<Box<dyn Input>>,
    pub pause: Option<js_sys::Int32Array>,
    /// Told, a few times a second, the process's memory in bytes and its CPU time in
    /// nanoseconds (the time spent in guest code between its calls).
    pub usage: Option<UsageSink>,
    /// The sockets the process may use; without, it has no network.
    pub network: Option<Box<dyn wasi::Network>>,
}

/// What a running guest writes, handed over as it writes it.
pub type OutputSink = Box<dyn Fn(wasi::Stream, Vec<u8>)>;

/// Where a running guest's memory (bytes) and CPU time (nanoseconds) are reported.
pub type UsageSink = Box<dyn Fn(u64, u64)>;

/// Runs `process` to its end; with `output`, what it writes goes there as it goes, and the
/// outcome holds none of it.
pub async fn run_with(process: &Process, host: Host) -> ProcessOutcome {
    let Host { output, input, pause, usage, network } = host;
    let usage = usage.map(Rc::new);
    let output = output.map(Rc::new);
    let mut wasi = WasiCtx::new(
        process.args.clone(),
        process.env.clone(),
        Box::new(BrowserClocks::default()),
        Box::new(BrowserEntropy),
    )
    .with_root(process.root.clone());
    if let Some(input) = input {
        wasi = wasi.with_stdin(input);
    }
    if let Some(network) = network {
        wasi = wasi.with_network(network, &process.net.listen);
    }
    let ctx = Rc::new(RefCell::new(wasi));
    let status = match start(process, ctx.clone(), output, pause, usage).await {
        Ok(status) => status,
        Err(e) => ExitStatus::Trap(describe(&e)),
    };
    let output = ctx.borrow_mut().take_output();
    let upper = Some(ctx.borrow_mut().take_upper());
    ProcessOutcome { status, output, upper }
}

async fn start(
    process: &Process,
    ctx: Rc<RefCell<WasiCtx>>,
    output: Option<Rc<OutputSink>>,
    pause: Option<js_sys::Int32Array>,
    usage: Option<Rc<UsageSink>>,
) -> Result<ExitStatus, JsValue> {
    // Guest time: from each call's return to the next call; the calls themselves (a sleep, a
    // read waiting for input) are the host's.
    let guest_ms = Rc::new(Cell::new(0.0f64));
    let left_host_at = Rc::new(Cell::new(js_sys::Date::now()));
    let reported_at = Rc::new(Cell::new(0.0f64));
    let bytes = Uint8Array::from(&process.module.0[..]);
    // Chrome refuses to compile large modules synchronously on the main thread, so compile async.
    let module: WebAssembly::Module = JsFuture::from(WebAssembly::compile(&bytes)).await?.dyn_into()?;
    let memory = Rc::new(RefCell::new(JsMemory(None)));
    let exit_code = Rc::new(Cell::new(None::<i32>));
    let out_of_memory = Rc::new(Cell::new(false));
    let limit = process.memory_limit;
    // Thrown by an import when the guest calls proc_exit; JS unwinds the guest, not Rust frames.
    let exit_signal = Object::new();
    let make_import = Function::new_with_args(
        "dispatch, exitSignal",
        "return function (...args) { const r = dispatch(args); if (r === undefined) throw exitSignal; return r; };",
    );
    let mut closures = Vec::new();
    // One object of functions per import module: preview1's, and Dockyard's own.
    let modules = Object::new();
    for import in WebAssembly::Module::imports(&module).iter() {
        let module_name = Reflect::get(&import, &"module".into())?.as_string().unwrap_or_default();
        let name = Reflect::get(&import, &"name".into())?.as_string().unwrap_or_default();
        let kind = Reflect::get(&import, &"kind".into())?.as_string().unwrap_or_default();
        // Any preview1 name is taken (an unknown one answers `nosys`); of Dockyard's own module,
        // only the functions it defines.
        let provided = module_name == wasi::MODULE || wasi::import_signature(&module_name, &name).is_some();
        if !provided || kind != "function" {
            return Ok(ExitStatus::Trap(format!(
                "the module imports {module_name}.{name}, which Dockyard does not provide"
            )));
        }
        let (ctx, memory, exit_code, output) = (ctx.clone(), memory.clone(), exit_code.clone(), output.clone());
        let (function_name, out_of_memory) = (name.clone(), out_of_memory.clone());
        let pause = pause.clone();
        let (usage, guest_ms, left_host_at, reported_at) =
            (usage.clone(), guest_ms.clone(), left_host_at.clone(), reported_at.clone());
        let dispatch = Closure::<dyn FnMut(Array) -> JsValue>::new(move |args: Array| {
            let entered = js_sys::Date::now();
            guest_ms.set(guest_ms.get() + (entered - left_host_at.get()).max(0.0));
            if let Some(report) = &usage {
                if entered - reported_at.get() >= 200.0 {
                    reported_at.set(entered);
                    report(memory.borrow().size() as u64, (guest_ms.get() * 1e6) as u64);
                }
            }
            // Paused (`docker pause`), the process sleeps here, at its next call, until thawed.
            if let Some(flag) = &pause {
                while js_sys::Atomics::load(flag, 0).unwrap_or(0) == 1 {
                    let _ = js_sys::Atomics::wait(flag, 0, 1);
                }
            }
            // The page cannot cap a module's own memory, so `--memory` is checked at each call
            // the guest makes: past the limit, it ends as the OOM killer would end it.
            if limit.is_some_and(|max| memory.borrow().size() as u64 > max) {
                out_of_memory.set(true);
                return JsValue::UNDEFINED;
            }
            let args: Vec<i64> = args.iter().map(|v| to_i64(&v)).collect();
            let result = ctx.borrow_mut().call(&mut *memory.borrow_mut(), &function_name, &args);
            if let Some(sink) = &output {
                for (stream, bytes) in ctx.borrow_mut().take_output() {
                    sink(stream, bytes);
                }
            }
            left_host_at.set(js_sys::Date::now());
            match result {
                Ok(errno) => JsValue::from(errno),
                Err(exit) => {
                    exit_code.set(Some(exit.0));
                    JsValue::UNDEFINED
                }
            }
        });
        let import_fn = make_import.call2(&JsValue::NULL, dispatch.as_ref(), &exit_signal)?;
        let functions = match Reflect::get(&modules, &module_name.as_str().into())? {
            existing if existing.is_object() => existing,
            _ => {
                let created: JsValue = Object::new().into();
                Reflect::set(&modules, &module_name.as_str().into(), &created)?;
                created
            }
        };
        Reflect::set(&functions, &name.into(), &import_fn)?;
        closures.push(dispatch);
    }
    let instance: WebAssembly::Instance =
        JsFuture::from(WebAssembly::instantiate_module(&module, &modules)).await?.dyn_into()?;
    let exports = instance.exports();
    if let Ok(mem) = Reflect::get(&exports, &"memory".into())?.dyn_into::<WebAssembly::Memory>() {
        memory.borrow_mut().0 = Some(mem);
    }
    let start: Function = Reflect::get(&exports, &"_start".into())?
        .dyn_into()
        .map_err(|_| JsValue::from_str("the module exports no _start function"))?;
    let result = start.call0(&JsValue::UNDEFINED);
    drop(closures);
    Ok(match (result, exit_code.get()) {
        (Err(e), _) if out_of_memory.get() && Object::is(&e, &exit_signal) => ExitStatus::OutOfMemory,
        (Ok(_), _) => ExitStatus::Code(0),
        (Err(e), Some(code)) if Object::is(&e, &exit_signal) => ExitStatus::Code(code),
        (Err(e), _) => ExitStatus::Trap(describe(&e)),
    })
}

/// An i32 arrives as a Number, an i64 as a BigInt.
fn to_i64(value: &JsValue) -> i64 {
    if value.is_bigint() {
        i64::try_from(value.clone()).unwrap_or(0)
    } else {
        value.as_f64().unwrap_or(0.0) as i64
    }
}

fn describe(error: &JsValue) -> String {
    error
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| error.as_string())
        .unwrap_or_else(|| format!("{error:?}"))
}

#[cfg(all(test, target_arch = "wasm32"))]
mod tests;
