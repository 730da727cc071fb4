//! Numbers as the reports write them: fixed, locale-free decimal forms, formatted by hand
//! because they are a large share of the output (see each function for the form).

/// "00", "01", … "99": the two digits of each number below 100.
const DIGIT_PAIRS: [u8; 200] = {
    let mut pairs = [0u8; 200];
    let mut i = 0;
    while i < 100 {
        pairs[2 * i] = b'0' + (i / 10) as u8;
        pairs[2 * i + 1] = b'0' + (i % 10) as u8;
        i += 1;
    }
    pairs
};

/// The resolution of [`fmt_num`]: six decimals.
const MILLIONTHS: u64 = 1_000_000;

/// Formats a number for CSV: integers without a decimal point, others with up to six
/// decimals and no trailing zeros, so that output is stable and spreadsheet-friendly.
/// Rounds like `format!("{x:.6}")` (see `round_scaled`), without its slow exact path
/// (every document row has a stance cell per target).
pub fn fmt_num(x: f64) -> String {
    let mut out = Vec::new();
    push_num(&mut out, x);
    String::from_utf8(out).expect("numbers are written in ASCII")
}

/// Appends [`fmt_num`] of `x` to `out`, without a `String` of its own (stance cells).
pub(super) fn push_num(out: &mut Vec<u8>, x: f64) {
    match round_scaled(x, MILLIONTHS) {
        Some(0) => out.push(b'0'), // also -0.0 and what rounds to it
        Some(n) => {
            if x < 0.0 {
                out.push(b'-');
            }
            push_digits(out, n / MILLIONTHS);
            let mut fraction = n % MILLIONTHS;
            if fraction > 0 {
                // Six decimals without their trailing zeros: the leading ones are padded.
                let mut width = 6;
                while fraction.is_multiple_of(10) {
                    fraction /= 10;
                    width -= 1;
                }
                out.push(b'.');
                let digits = fraction.ilog10() as usize + 1;
                out.extend(std::iter::repeat_n(b'0', width - digits));
                push_digits(out, fraction);
            }
        }
        None => out.extend_from_slice(fmt_num_exact(x).as_bytes()), // NaN, infinities, |x| ≥ 10^12
    }
}

/// The value a reader of the report gets back from the cell [`fmt_num`] writes for `x`
/// (what `x.to_string().parse()` would give for `fmt_num(x)`), without the string: the
/// page `analyze` writes takes documents' numbers from the run, and they must equal those
/// `summarize` reads from `documents.csv`. `n / 10^6` is that value because both numbers
/// are exact doubles and division rounds correctly, as parsing the decimal does.
pub fn num_as_read(x: f64) -> f64 {
    match round_scaled(x, MILLIONTHS) {
        Some(0) => 0.0,
        Some(n) if n < 1 << 53 => {
            let v = n as f64 / MILLIONTHS as f64;
            if x < 0.0 {
                -v
            } else {
                v
            }
        }
        _ => fmt_num(x).parse().unwrap_or(f64::NAN),
    }
}

/// [`num_as_read`] for a probability cell ([`fmt_prob`]).
pub fn prob_as_read(p: f64) -> f64 {
    match prob_ten_thousandths(p) {
        Some(n) => n as f64 / 10_000.0,
        None => fmt_prob(p).parse().unwrap_or(f64::NAN),
    }
}

/// [`fmt_num`] through the standard formatter: its definition, and its path for numbers
/// outside [`round_scaled`]'s range.
pub(super) fn fmt_num_exact(x: f64) -> String {
    if x == 0.0 {
        return "0".into();
    }
    let s = format!("{x:.6}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".into()
    } else {
        s.to_string()
    }
}

/// Formats a non-negative number with three decimals, as `format!("{x:.3}")` does.
pub fn fmt_thousandths(x: f64) -> String {
    match round_scaled(x, 1000) {
        Some(n) if x.is_sign_positive() => format!("{}.{:03}", n / 1000, n % 1000),
        _ => format!("{x:.3}"),
    }
}

/// Formats a probability with four decimals.
pub fn fmt_prob(p: f64) -> String {
    match prob_ten_thousandths(p) {
        Some(n) => prob_digits(n).into_iter().map(char::from).collect(),
        None => format!("{p:.4}"),
    }
}

/// `p` (in 0..=1) rounded to ten-thousandths as `format!("{p:.4}")` rounds (15 % of
/// `analyze` with a model went to formatting four probabilities per sentence). `None`
/// outside 0..=1 or for NaN.
pub(super) fn prob_ten_thousandths(p: f64) -> Option<u64> {
    if !(0.0..=1.0).contains(&p) {
        return None;
    }
    round_scaled(p, 10_000)
}

/// |x| · `scale` (at most 10^6) rounded to an integer exactly as `format!` rounds to that
/// many decimals: from the exact binary value, ties to even. Computed with integers
/// because float formatting with a precision takes a slow exact path. `None` for NaN,
/// infinities and |x| ≥ 10^12.
pub(super) fn round_scaled(x: f64, scale: u64) -> Option<u64> {
    let x = x.abs();
    if x.is_nan() || x >= 1e12 {
        return None;
    }
    if x == 0.0 {
        return Some(0);
    }
    let bits = x.to_bits();
    let biased = ((bits >> 52) & 0x7ff) as i32;
    let fraction = bits & ((1u64 << 52) - 1);
    // x = mantissa · 2^-shift, with shift ≥ 13 below 10^12 (subnormals: exponent −1074).
    let (mantissa, shift) =
        if biased == 0 { (fraction, 1074) } else { (fraction | (1u64 << 52), (1075 - biased) as u32) };
    if shift >= 128 {
        return Some(0); // below 2^-75: far under half a millionth
    }
    // At most 2^53 · 10^6 < 2^73: no overflow.
    let scaled = u128::from(mantissa) * u128::from(scale);
    let whole = scaled >> shift;
    let rest = scaled & ((1u128 << shift) - 1);
    let half = 1u128 << (shift - 1);
    let round_up = rest > half || (rest == half && whole % 2 == 1);
    Some(whole as u64 + u64::from(round_up))
}

/// The digits of `n` ten-thousandths (n ≤ 10,000): `0.1234`, `1.0000`.
pub(super) fn prob_digits(n: u64) -> [u8; 6] {
    let d = |k: u64| b'0' + (n / k % 10) as u8;
    [d(10_000), b'.', d(1_000), d(100), d(10), d(1)]
}

/// Appends the decimal digits of `value` to `out`.
pub(super) fn push_digits(out: &mut Vec<u8>, value: u64) {
    // Counts are mostly one digit.
    if value < 10 {
        out.push(b'0' + value as u8);
        return;
    }
    let small = match u32::try_from(value) {
        Ok(v) if v < 100_000_000 => v,
        _ => return push_long_digits(out, value),
    };
    // Offsets and counts have fewer than nine digits: all eight are made two at a time,
    // without a branch on the length, and one fixed eight-byte copy is cut back to the
    // digits that count. A digit-by-digit loop mispredicts its exit on varying lengths
    // (standalone measurement: 9.5 -> 6.7 ns a number).
    let n = small.ilog10() as usize + 1;
    let (high, low) = (small / 10_000, small % 10_000);
    let mut eight = [0u8; 8];
    for (at, pair) in [(0, high / 100), (2, high % 100), (4, low / 100), (6, low % 100)] {
        let pair = 2 * pair as usize;
        eight[at..at + 2].copy_from_slice(&DIGIT_PAIRS[pair..pair + 2]);
    }
    // Little-endian: shifting right drops the leading zeros at the front.
    let digits = u64::from_le_bytes(eight) >> ((8 - n) * 8);
    out.extend_from_slice(&digits.to_le_bytes());
    out.truncate(out.len() - (8 - n));
}

/// The decimal digits of a `value` of nine digits or more, one at a time.
pub(super) fn push_long_digits(out: &mut Vec<u8>, value: u64) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    let mut v = value;
    while v > 0 {
        at -= 1;
        digits[at] = b'0' + (v % 10) as u8;
        v /= 10;
    }
    out.extend_from_slice(&digits[at..]);
}
