//! One sorting routine for the whole engine.
//!
//! The standard library's sorts are generic over the element and the comparison, so every call
//! site instantiated its own copy of them: some 3 KB of the page's module each, 30-odd times.
//! Here one sort orders indices through a `dyn` comparison, and the elements are then moved to
//! their places, so each call site costs only that move. The engine's lists are short (images,
//! containers, a directory's names), so the indirection costs nothing a learner would notice.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

/// `slice::sort`, stable.
pub fn sort<T: Ord>(items: &mut [T]) {
    sort_by(items, T::cmp);
}

/// `slice::sort_by_key`, stable.
pub fn sort_by_key<T, K: Ord>(items: &mut [T], mut key: impl FnMut(&T) -> K) {
    sort_by(items, |a, b| key(a).cmp(&key(b)));
}

/// `slice::sort_by`, stable.
pub fn sort_by<T>(items: &mut [T], mut compare: impl FnMut(&T, &T) -> Ordering) {
    if items.len() < 2 {
        return;
    }
    let mut order: Vec<usize> = (0..items.len()).collect();
    sort_indices(&mut order, &mut |a, b| compare(&items[a], &items[b]));
    permute(items, order);
}

/// The one instance of the standard library's stable sort; never inlined, or each caller would
/// get its copy back.
#[inline(never)]
fn sort_indices(order: &mut [usize], compare: &mut dyn FnMut(usize, usize) -> Ordering) {
    order.sort_by(|&a, &b| compare(a, b));
}

/// Moves each element to its place, following the permutation's cycles: `order[k]` is the index
/// of the element that belongs at `k`.
fn permute<T>(items: &mut [T], mut order: Vec<usize>) {
    const DONE: usize = usize::MAX;
    for start in 0..order.len() {
        let mut at = start;
        while order[at] != DONE {
            let from = std::mem::replace(&mut order[at], DONE);
            if from != start {
                items.swap(at, from);
            }
            at = from;
        }
    }
}

/// `pairs.collect::<BTreeMap<_, _>>()` without its sort: collecting sorts the pairs first, a
/// stable sort instantiated again for every key and value type, where inserting them one by one
/// instantiates nothing new. As with `collect`, a later pair wins over an earlier one's key.
pub fn map<K: Ord, V>(pairs: impl IntoIterator<Item = (K, V)>) -> BTreeMap<K, V> {
    let mut map = BTreeMap::new();
    for (key, value) in pairs {
        map.insert(key, value);
    }
    map
}

/// `items.collect::<BTreeSet<_>>()` without its sort, as [`map`] says.
pub fn set<T: Ord>(items: impl IntoIterator<Item = T>) -> BTreeSet<T> {
    let mut set = BTreeSet::new();
    for item in items {
        set.insert(item);
    }
    set
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_and_sets_come_out_as_collect_makes_them() {
        let pairs = [("b", 1), ("a", 2), ("b", 3), ("c", 4)];
        assert_eq!(map(pairs), pairs.into_iter().collect::<BTreeMap<_, _>>());
        assert_eq!(set([3, 1, 3, 2]), [3, 1, 3, 2].into_iter().collect::<BTreeSet<_>>());
    }

    #[test]
    fn sorts_as_the_standard_library_does_and_stays_stable() {
        let mut seed = 0x9e37_79b9u32;
        for len in [0, 1, 2, 3, 7, 20, 100, 1000] {
            let items: Vec<(u32, usize)> = (0..len)
                .map(|i| {
                    seed ^= seed << 13;
                    seed ^= seed >> 17;
                    seed ^= seed << 5;
                    (seed % 10, i)
                })
                .collect();
            // Equal keys keep their order: the second field tells them apart.
            let (mut ours, mut std) = (items.clone(), items.clone());
            sort_by_key(&mut ours, |item| item.0);
            std.sort_by_key(|item| item.0);
            assert_eq!(ours, std, "{len} items");
            let (mut ours, mut std) = (items.clone(), items);
            sort_by(&mut ours, |a, b| b.0.cmp(&a.0));
            std.sort_by_key(|item| std::cmp::Reverse(item.0));
            assert_eq!(ours, std, "{len} items, descending");
        }
        let mut words = vec!["kv", "web", "toolbox", "hello-world", "kv"];
        sort(&mut words);
        assert_eq!(words, ["hello-world", "kv", "kv", "toolbox", "web"]);
    }
}
