//! The guest-memory trait that every host adapts, and bounds-checked helpers over it.

use super::Errno;

/// A guest's linear memory. Wasmtime hands the engine a `&mut [u8]`; the browser adapter wraps a
/// `WebAssembly.Memory`. Every access is checked: a bad guest pointer is `Errno::Fault`, never a panic.
pub trait GuestMemory {
    /// The memory's size in bytes.
    fn size(&self) -> usize;
    /// Copies `out.len()` bytes starting at `addr`.
    fn read(&self, addr: u32, out: &mut [u8]) -> Result<(), Errno>;
    /// Copies `data` to `addr`.
    fn write(&mut self, addr: u32, data: &[u8]) -> Result<(), Errno>;
}

/// The range `addr..addr+len`, if it lies inside a memory of `size` bytes.
pub fn checked_range(addr: u32, len: usize, size: usize) -> Result<std::ops::Range<usize>, Errno> {
    let start = addr as usize;
    let end = start.checked_add(len).ok_or(Errno::Fault)?;
    if end > size {
        return Err(Errno::Fault);
    }
    Ok(start..end)
}

/// Guest memory the host can lend as a byte slice, as wasmtime does.
pub struct SliceMemory<'a>(pub &'a mut [u8]);

impl GuestMemory for SliceMemory<'_> {
    fn size(&self) -> usize {
        self.0.len()
    }

    fn read(&self, addr: u32, out: &mut [u8]) -> Result<(), Errno> {
        let range = checked_range(addr, out.len(), self.0.len())?;
        out.copy_from_slice(&self.0[range]);
        Ok(())
    }

    fn write(&mut self, addr: u32, data: &[u8]) -> Result<(), Errno> {
        let range = checked_range(addr, data.len(), self.0.len())?;
        self.0[range].copy_from_slice(data);
        Ok(())
    }
}

/// Typed reads and writes, little-endian as wasm is.
pub(crate) trait MemoryExt: GuestMemory {
    fn write_u32(&mut self, addr: u32, value: u32) -> Result<(), Errno> {
        self.write(addr, &value.to_le_bytes())
    }

    fn write_u64(&mut self, addr: u32, value: u64) -> Result<(), Errno> {
        self.write(addr, &value.to_le_bytes())
    }

    /// Reads `len` bytes, checking the range before allocating so a huge length cannot exhaust the host.
    fn read_vec(&self, addr: u32, len: u32) -> Result<Vec<u8>, Errno> {
        checked_range(addr, len as usize, self.size())?;
        let mut out = vec![0u8; len as usize];
        self.read(addr, &mut out)?;
        Ok(out)
    }

    /// Reads an array of `(buf, len)` pairs, an iovec list.
    fn read_iovecs(&self, addr: u32, count: u32) -> Result<Vec<(u32, u32)>, Errno> {
        let raw = self.read_vec(addr, count.checked_mul(8).ok_or(Errno::Fault)?)?;
        Ok(raw
            .chunks_exact(8)
            .map(|c| (u32::from_le_bytes([c[0], c[1], c[2], c[3]]), u32::from_le_bytes([c[4], c[5], c[6], c[7]])))
            .collect())
    }
}

impl<M: GuestMemory + ?Sized> MemoryExt for M {}
