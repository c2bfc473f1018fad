//! Random inputs for the fuzz tests: text made of pieces a parser cares about, from a seeded
//! generator so a failure replays.

use dockyard_engine::{Entropy, Seeded};

/// A random byte, as a number to scale.
pub fn byte(rng: &mut Seeded) -> usize {
    let mut b = [0u8; 1];
    rng.fill(&mut b);
    usize::from(b[0])
}

/// Up to `max` of `pieces`, chosen at random, a space after about a third of them.
pub fn random_text(rng: &mut Seeded, pieces: &[&str], max: usize) -> String {
    let len = byte(rng) * max / 256;
    let mut text = String::new();
    for _ in 0..len {
        text.push_str(pieces[byte(rng) % pieces.len()]);
        if byte(rng).is_multiple_of(3) {
            text.push(' ');
        }
    }
    text
}
