//! Stratified k-fold splits and the small deterministic PRNG used for them.

/// splitmix64: a tiny, well-mixed PRNG; deterministic for a seed without a dependency.
#[derive(Debug, Clone)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    /// A generator for `seed`.
    pub fn new(seed: u64) -> Self {
        SplitMix64(seed)
    }

    /// Next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform index below `n` (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// Fisher–Yates shuffle.
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i + 1);
            items.swap(i, j);
        }
    }
}

/// Fold number (0..k) of each row: rows of each label are shuffled and dealt round-robin,
/// continuing across labels, so every fold gets each label's share within one row.
pub fn stratified_folds(labels: &[usize], n_labels: usize, k: usize, seed: u64) -> Vec<usize> {
    let mut rng = SplitMix64::new(seed);
    let mut fold = vec![0usize; labels.len()];
    let mut next = 0usize;
    for label in 0..n_labels {
        let mut rows: Vec<usize> = (0..labels.len()).filter(|&i| labels[i] == label).collect();
        rng.shuffle(&mut rows);
        for r in rows {
            fold[r] = next % k.max(1);
            next += 1;
        }
    }
    fold
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_keep_label_shares_and_cover_every_row_once() {
        // 10 rows of label 0 and 5 of label 1 into 5 folds: each fold has 2 + 1.
        let labels: Vec<usize> = [vec![0; 10], vec![1; 5]].concat();
        let folds = stratified_folds(&labels, 2, 5, 13);
        for f in 0..5 {
            let zeros = (0..15).filter(|&i| folds[i] == f && labels[i] == 0).count();
            let ones = (0..15).filter(|&i| folds[i] == f && labels[i] == 1).count();
            assert_eq!((zeros, ones), (2, 1), "fold {f}");
        }
        assert_eq!(folds, stratified_folds(&labels, 2, 5, 13));
        assert_ne!(folds, stratified_folds(&labels, 2, 5, 14));
    }

    #[test]
    fn splitmix_matches_the_reference_sequence() {
        // Reference values of splitmix64 seeded with 0 (Vigna's splitmix64.c).
        let mut r = SplitMix64::new(0);
        assert_eq!(r.next_u64(), 0xe220_a839_7b1d_cdaf);
        assert_eq!(r.next_u64(), 0x6e78_9e6a_a1b9_65f4);
    }
}
