//! The native host for container processes: wasmtime instantiates the guest, and every WASI
//! import is a thin call into the engine's preview1 implementation.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicI32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use dockyard_engine::digest::Digest;
use dockyard_engine::wasi::{self, Clocks, Input, SliceMemory, Stream, ValType, WasiCtx};
use dockyard_engine::{Entropy, ExitStatus, Process, ProcessOutcome};
use wasmtime::{Caller, Engine, ExternType, FuncType, Linker, Module, Store, Val};

use crate::net::Network;

/// What a guest's call of `proc_exit` becomes inside wasmtime: an error that unwinds the guest,
/// told apart from a real trap when the run ends.
#[derive(Debug)]
struct ExitTrap(i32);

impl std::fmt::Display for ExitTrap {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "guest exited with code {}", self.0)
    }
}

impl std::error::Error for ExitTrap {}

/// How a running process is steered from outside: killed with a signal, or paused.
#[derive(Debug, Default)]
pub struct Control {
    /// The signal that ends the process, 0 while it may run.
    killed: AtomicI32,
    paused: AtomicBool,
    /// What it uses: its linear memory in bytes, and the time it has spent running guest code
    /// (counted in epoch ticks, so time asleep in a host call is not CPU time).
    memory: AtomicU64,
    cpu_ns: AtomicU64,
}

impl Control {
    pub fn kill(&self, signal: i32) {
        self.killed.store(signal.max(1), Ordering::SeqCst);
    }

    pub fn set_paused(&self, paused: bool) {
        self.paused.store(paused, Ordering::SeqCst);
    }

    /// The process's memory in bytes and its CPU time in nanoseconds, for `docker stats`.
    pub fn usage(&self) -> (u64, u64) {
        (self.memory.load(Ordering::SeqCst), self.cpu_ns.load(Ordering::SeqCst))
    }

    pub fn killed(&self) -> Option<i32> {
        Some(self.killed.load(Ordering::SeqCst)).filter(|s| *s != 0)
    }
}

/// The end of a process killed by [`Control::kill`], told apart from a trap.
#[derive(Debug)]
struct KillTrap(i32);

impl std::fmt::Display for KillTrap {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "killed by signal {}", self.0)
    }
}

impl std::error::Error for KillTrap {}

/// Where a running guest's output goes as it writes it.
pub type OutputSink = Box<dyn Fn(Stream, Vec<u8>) + Send + Sync>;

/// Output in the order written, stream by stream.
type Output = Vec<(Stream, Vec<u8>)>;

/// What a guest's store holds: its WASI context and the cap on its memory.
struct Guest {
    wasi: WasiCtx,
    cap: MemoryCap,
}

/// `--memory`: linear memory may not grow past `max` bytes. Growing past it ends the process,
/// as the kernel's OOM killer ends a container over its cgroup's limit.
struct MemoryCap {
    max: Option<usize>,
    control: Arc<Control>,
}

/// The end of a process that asked for more memory than its cap.
#[derive(Debug)]
struct OutOfMemoryTrap;

impl std::fmt::Display for OutOfMemoryTrap {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("out of memory: the container's memory limit was reached")
    }
}

impl std::error::Error for OutOfMemoryTrap {}

impl wasmtime::ResourceLimiter for MemoryCap {
    fn memory_growing(&mut self, _current: usize, desired: usize, _maximum: Option<usize>) -> wasmtime::Result<bool> {
        match self.max {
            Some(max) if desired > max => Err(wasmtime::Error::new(OutOfMemoryTrap)),
            _ => {
                self.control.memory.store(desired as u64, Ordering::SeqCst);
                Ok(true)
            }
        }
    }

    fn table_growing(&mut self, _current: usize, _desired: usize, _maximum: Option<usize>) -> wasmtime::Result<bool> {
        Ok(true)
    }
}

/// How often a running guest is interrupted to check whether it was killed or paused, and to
/// hand over what it wrote.
const TICK: Duration = Duration::from_millis(10);

/// The host's clocks: wall time from the system, monotonic time from the start of the run.
struct SystemClocks {
    start: Instant,
    control: Arc<Control>,
}

impl Clocks for SystemClocks {
    fn realtime(&self) -> u64 {
        SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_nanos() as u64).unwrap_or(0)
    }

    fn monotonic(&self) -> u64 {
        self.start.elapsed().as_nanos() as u64
    }

    fn sleep(&self, nanos: u64) {
        // In ticks, so a sleeping process still dies at once when killed.
        let until = Instant::now() + Duration::from_nanos(nanos);
        while self.control.killed().is_none() {
            let now = Instant::now();
            if now >= until {
                break;
            }
            std::thread::sleep((until - now).min(TICK));
        }
    }
}

/// The operating system's randomness.
pub struct OsEntropy;

impl Entropy for OsEntropy {
    fn fill(&mut self, buf: &mut [u8]) {
        // Without OS randomness no id would be unique; there is no sensible way to go on.
        getrandom::fill(buf).expect("the operating system provides randomness");
    }
}

/// Runs WASI modules with wasmtime, compiling each distinct module once. Guests are interrupted
/// at every epoch tick, so that a spinning guest can still be killed, paused, and heard from.
pub struct WasmHost {
    engine: Engine,
    modules: Mutex<HashMap<Digest, Module>>,
    /// The network processes share; without one, they have none.
    network: Option<Arc<Network>>,
}

impl Default for WasmHost {
    fn default() -> Self {
        WasmHost::new()
    }
}

impl WasmHost {
    pub fn new() -> Self {
        let mut config = wasmtime::Config::new();
        config.epoch_interruption(true);
        // The default configuration cannot fail to build an engine; if it ever did, running
        // without interruption is still running.
        let engine = Engine::new(&config).unwrap_or_default();
        let ticker = engine.weak();
        std::thread::spawn(move || {
            while let Some(engine) = ticker.upgrade() {
                engine.increment_epoch();
                drop(engine);
                std::thread::sleep(TICK);
            }
        });
        WasmHost { engine, modules: Mutex::new(HashMap::new()), network: None }
    }

    /// Lends the processes this host runs `network`: their listening sockets and connections
    /// go through its switch, and a container's published ports listen on loopback.
    pub fn with_network(mut self, network: Arc<Network>) -> Self {
        self.network = Some(network);
        self
    }

    /// Runs `process` to its end and reports how it ended and what it wrote.
    pub fn run(&self, process: &Process) -> ProcessOutcome {
        self.run_controlled(process, Arc::new(Control::default()), None, None)
    }

    /// Runs `process` to its end under `control`. With `output`, what the guest writes is sent
    /// there as it goes, and the outcome holds only what was written after the last tick.
    pub fn run_controlled(
        &self,
        process: &Process,
        control: Arc<Control>,
        output: Option<OutputSink>,
        input: Option<Box<dyn Input + Send>>,
    ) -> ProcessOutcome {
        let clocks = SystemClocks { start: Instant::now(), control: control.clone() };
        let mut wasi = WasiCtx::new(process.args.clone(), process.env.clone(), Box::new(clocks), Box::new(OsEntropy))
            .with_root(process.root.clone());
        if let Some(input) = input {
            wasi = wasi.with_stdin(input);
        }
        // Output goes to the caller's sink as it is written; without one, it is kept for the
        // outcome, in the order written, including what a process hands over before it blocks.
        let kept: Arc<Mutex<Output>> = Arc::default();
        let output: Arc<dyn Fn(Stream, Vec<u8>) + Send + Sync> = match output {
            Some(sink) => Arc::from(sink),
            None => {
                let kept = kept.clone();
                Arc::new(move |stream, bytes| kept.lock().unwrap_or_else(|e| e.into_inner()).push((stream, bytes)))
            }
        };
        let mut _proxy = None;
        if let (Some(network), Some(_)) = (&self.network, &process.net.container) {
            let net = network.for_process(process.net.clone(), control.clone(), output.clone());
            wasi = wasi.with_network(Box::new(net), &process.net.listen);
            _proxy = Some(network.publish(&process.net.publish));
        }
        let cap = MemoryCap { max: process.memory_limit.map(|m| m as usize), control: control.clone() };
        let mut store = Store::new(&self.engine, Guest { wasi, cap });
        store.limiter(|guest| &mut guest.cap);
        store.set_epoch_deadline(1);
        let watched = control.clone();
        let sink = output.clone();
        store.epoch_deadline_callback(move |mut ctx| {
            // A tick that lands in guest code is a tick of CPU time.
            watched.cpu_ns.fetch_add(TICK.as_nanos() as u64, Ordering::SeqCst);
            for (stream, bytes) in ctx.data_mut().wasi.take_output() {
                sink(stream, bytes);
            }
            loop {
                if let Some(signal) = watched.killed() {
                    return Err(wasmtime::Error::new(KillTrap(signal)));
                }
                if !watched.paused.load(Ordering::SeqCst) {
                    return Ok(wasmtime::UpdateDeadline::Continue(1));
                }
                std::thread::sleep(TICK);
            }
        });
        let status = match self.start(&mut store, &process.module.0) {
            Ok(()) => ExitStatus::Code(0),
            Err(error) => match (error.downcast_ref::<ExitTrap>(), error.downcast_ref::<KillTrap>()) {
                (Some(ExitTrap(code)), _) => ExitStatus::Code(*code),
                (_, Some(KillTrap(signal))) => ExitStatus::Killed(*signal),
                _ if error.downcast_ref::<OutOfMemoryTrap>().is_some() => ExitStatus::OutOfMemory,
                _ => match control.killed() {
                    // Killed while inside a host call: the call returned, the guest went on, and
                    // the kill landed as some other error.
                    Some(signal) => ExitStatus::Killed(signal),
                    None => ExitStatus::Trap(format!("{error:#}")),
                },
            },
        };
        let wasi = &mut store.data_mut().wasi;
        let (rest, upper) = (wasi.take_output(), Some(wasi.take_upper()));
        // The network goes with the store, closing the process's sockets before it is reported ended.
        drop(store);
        let mut output = std::mem::take(&mut *kept.lock().unwrap_or_else(|e| e.into_inner()));
        output.extend(rest);
        ProcessOutcome { status, output, upper }
    }

    fn module(&self, bytes: &[u8]) -> wasmtime::Result<Module> {
        let digest = Digest::of(bytes);
        let mut modules = self.modules.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(module) = modules.get(&digest) {
            return Ok(module.clone());
        }
        let module = Module::new(&self.engine, bytes)?;
        modules.insert(digest, module.clone());
        Ok(module)
    }

    fn start(&self, store: &mut Store<Guest>, bytes: &[u8]) -> wasmtime::Result<()> {
        let module = self.module(bytes)?;
        let mut linker: Linker<Guest> = Linker::new(&self.engine);
        for import in module.imports() {
            let ExternType::Func(ty) = import.ty() else {
                wasmtime::bail!("the module imports {}.{}, which is not a function", import.module(), import.name());
            };
            if import.module() != wasi::MODULE && import.module() != wasi::DOCKYARD_MODULE {
                wasmtime::bail!(
                    "the module imports {}.{}, which Dockyard does not provide",
                    import.module(),
                    import.name()
                );
            }
            define(&mut linker, import.module(), import.name(), ty)?;
        }
        let instance = linker.instantiate(&mut *store, &module)?;
        let start = instance.get_typed_func::<(), ()>(&mut *store, "_start")?;
        start.call(&mut *store, ())
    }
}

/// Defines one preview1 import with the type the module declares, refusing a type that differs
/// from the spec's, and forwarding every call to [`WasiCtx::call`].
fn define(linker: &mut Linker<Guest>, module: &str, name: &str, ty: FuncType) -> wasmtime::Result<()> {
    if let Some((params, results)) = wasi::import_signature(module, name) {
        let declared: Vec<Option<ValType>> = ty.params().map(|t| val_type(&t)).collect();
        let declared_results: Vec<Option<ValType>> = ty.results().map(|t| val_type(&t)).collect();
        let expected: Vec<Option<ValType>> = params.iter().copied().map(Some).collect();
        let expected_results: Vec<Option<ValType>> = results.iter().copied().map(Some).collect();
        if declared != expected || declared_results != expected_results {
            wasmtime::bail!("the module imports {module}.{name} with a signature Dockyard does not define");
        }
    }
    let owned = name.to_string();
    linker.func_new(module, name, ty, move |mut caller: Caller<'_, Guest>, params: &[Val], results: &mut [Val]| {
        let args: Vec<i64> = params
            .iter()
            .map(|v| match v {
                Val::I32(x) => i64::from(*x),
                Val::I64(x) => *x,
                _ => 0,
            })
            .collect();
        let memory = caller.get_export("memory").and_then(|e| e.into_memory());
        let outcome = match memory {
            Some(memory) => {
                let (bytes, guest) = memory.data_and_store_mut(&mut caller);
                guest.wasi.call(&mut SliceMemory(bytes), &owned, &args)
            }
            // A module without an exported memory can still call functions that need none.
            None => caller.data_mut().wasi.call(&mut SliceMemory(&mut []), &owned, &args),
        };
        match outcome {
            Ok(errno) => {
                if let Some(slot) = results.first_mut() {
                    *slot = Val::I32(errno);
                }
                Ok(())
            }
            Err(exit) => Err(wasmtime::Error::new(ExitTrap(exit.0))),
        }
    })?;
    Ok(())
}

fn val_type(ty: &wasmtime::ValType) -> Option<ValType> {
    match ty {
        wasmtime::ValType::I32 => Some(ValType::I32),
        wasmtime::ValType::I64 => Some(ValType::I64),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use dockyard_engine::container::ContainerId;
    use dockyard_engine::layer::Bytes;
    use dockyard_engine::Seeded;

    fn process(module: &[u8], env: &[&str]) -> Process {
        Process {
            container: ContainerId::generate(&mut Seeded::new(1)),
            module: Bytes::from(module),
            args: vec!["/hello".to_string()],
            env: env.iter().map(|s| s.to_string()).collect(),
            root: dockyard_engine::fs::UnionFs::new(Vec::new()),
            memory_limit: None,
            interactive: false,
            net: Default::default(),
        }
    }

    /// A module that imports `proc_exit` and runs `body` (raw instructions) as `_start`.
    fn module(body: &[u8]) -> Vec<u8> {
        let mut m = b"\0asm\x01\0\0\0".to_vec();
        m.extend([1, 8, 2, 0x60, 1, 0x7f, 0, 0x60, 0, 0]);
        let name = b"wasi_snapshot_preview1";
        let field = b"proc_exit";
        let mut import = vec![1, name.len() as u8];
        import.extend(name);
        import.push(field.len() as u8);
        import.extend(field);
        import.extend([0, 0]);
        m.extend([2, import.len() as u8]);
        m.extend(import);
        m.extend([3, 2, 1, 1]);
        m.extend([5, 3, 1, 0, 1]);
        let mut exports = vec![2, 6];
        exports.extend(b"_start");
        exports.extend([0, 1, 6]);
        exports.extend(b"memory");
        exports.extend([2, 0]);
        m.extend([7, exports.len() as u8]);
        m.extend(exports);
        let mut code = vec![0];
        code.extend(body);
        code.push(0x0b);
        m.extend([10, code.len() as u8 + 2, 1, code.len() as u8]);
        m.extend(code);
        m
    }

    #[test]
    fn the_hello_program_runs_and_reads_its_environment() {
        let host = WasmHost::new();
        let outcome = host.run(&process(dockyard_workloads::HELLO, &["HOSTNAME=cafe12345678"]));
        assert_eq!(outcome.status, ExitStatus::Code(0));
        let stdout: Vec<u8> = outcome.output.iter().flat_map(|(_, b)| b.clone()).collect();
        let text = String::from_utf8(stdout).unwrap();
        assert!(text.contains("Hello from Dockyard!"), "{text}");
        assert!(text.contains("The engine started /hello inside container cafe12345678\n"), "{text}");
    }

    #[test]
    fn proc_exit_sets_the_exit_code() {
        // i32.const 3; call 0 (proc_exit)
        let outcome = WasmHost::new().run(&process(&module(&[0x41, 3, 0x10, 0]), &[]));
        assert_eq!(outcome.status, ExitStatus::Code(3));
    }

    #[test]
    fn a_trap_is_reported_with_its_reason() {
        // unreachable
        let outcome = WasmHost::new().run(&process(&module(&[0x00]), &[]));
        let ExitStatus::Trap(why) = outcome.status else { panic!("expected a trap, got {:?}", outcome.status) };
        assert!(why.contains("unreachable"), "{why}");
    }

    #[test]
    fn a_malformed_module_is_a_trap_not_a_panic() {
        let outcome = WasmHost::new().run(&process(b"\0asm\x01\0\0\0\x01", &[]));
        assert!(matches!(outcome.status, ExitStatus::Trap(_)));
    }
}
