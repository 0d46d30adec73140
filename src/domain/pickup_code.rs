//! Pickup codes: N random digits followed by one Damm check digit (SPEC §7), and the Damm
//! algorithm itself. A mistyped digit or swapped neighbours is refused before any lookup.

use std::collections::HashSet;
use std::fmt;

use rand::Rng;

/// The standard Damm table: a totally anti-symmetric quasigroup of order 10 with a zero diagonal.
const DAMM_TABLE: [[u8; 10]; 10] = [
    [0, 3, 1, 7, 5, 9, 8, 6, 4, 2],
    [7, 0, 9, 2, 1, 5, 4, 8, 6, 3],
    [4, 2, 0, 6, 8, 7, 1, 3, 5, 9],
    [1, 7, 5, 0, 9, 8, 3, 4, 2, 6],
    [6, 1, 2, 3, 0, 4, 5, 9, 7, 8],
    [3, 6, 7, 4, 2, 0, 9, 5, 8, 1],
    [5, 8, 6, 9, 7, 2, 0, 1, 3, 4],
    [8, 9, 4, 5, 3, 6, 2, 0, 1, 7],
    [9, 4, 3, 8, 6, 1, 7, 2, 0, 5],
    [2, 5, 8, 1, 4, 3, 6, 7, 9, 0],
];

/// A digit value 0..=9 from either a plain value (0..=9) or an ASCII digit (b'0'..=b'9').
fn digit_value(b: u8) -> Option<u8> {
    match b {
        0..=9 => Some(b),
        b'0'..=b'9' => Some(b - b'0'),
        _ => None,
    }
}

/// Runs the Damm quasigroup over the digits; `None` if a byte is not a digit.
fn damm_interim(digits: &[u8]) -> Option<u8> {
    digits.iter().try_fold(0u8, |interim, &b| {
        let d = digit_value(b)?;
        Some(DAMM_TABLE[usize::from(interim)][usize::from(d)])
    })
}

/// The Damm check digit (0..=9, a value, not ASCII) to append to `digits`.
///
/// Each element may be a digit value `0..=9` or an ASCII digit `b'0'..=b'9'`, so both
/// `&[5, 7, 2]` and `b"572"` give 4. Bytes that are neither are skipped.
pub fn damm_check_digit(digits: &[u8]) -> u8 {
    digits
        .iter()
        .filter_map(|&b| digit_value(b))
        .fold(0u8, |interim, d| {
            DAMM_TABLE[usize::from(interim)][usize::from(d)]
        })
}

/// True when `digits` (values or ASCII digits, check digit last) passes the Damm check.
/// Empty input or any non-digit byte is invalid.
pub fn damm_is_valid(digits: &[u8]) -> bool {
    !digits.is_empty() && damm_interim(digits) == Some(0)
}

/// Why typed input is not a pickup code. Display: "not a valid code — …".
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum InvalidCode {
    /// Nothing but spaces and dashes was entered.
    #[error("not a valid code — nothing was entered")]
    Empty,
    /// Something other than digits, spaces and dashes.
    #[error("not a valid code — only digits are allowed")]
    NotDigits,
    /// Too few or too many digits (counting the check digit).
    #[error("not a valid code — expected {expected} digits, got {got}")]
    WrongLength {
        /// Digits a code has, check digit included.
        expected: usize,
        /// Digits entered.
        got: usize,
    },
    /// The last digit does not match: a typo or swapped digits.
    #[error("not a valid code — the check digit does not match")]
    CheckDigit,
}

/// A pickup code: random digits plus a valid Damm check digit, stored as ASCII digits.
///
/// `Debug` does not reveal the digits (codes must not end up in logs); use [`Self::as_str`]
/// for the database and the `data-pickup-code` attribute, [`Self::grouped`] for display.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PickupCode(String);

impl PickupCode {
    /// Fewest random digits (before the check digit) a configuration may use.
    pub const MIN_DIGITS: usize = 3;
    /// Most random digits (before the check digit) a configuration may use.
    pub const MAX_DIGITS: usize = 10;
    /// Default number of random digits (`PICKUP_CODE_DIGITS`).
    pub const DEFAULT_DIGITS: usize = 6;

    /// Number of distinct codes with `n` random digits: 10^n (saturating).
    pub fn space_size(n: usize) -> u64 {
        10u64.saturating_pow(u32::try_from(n).unwrap_or(u32::MAX))
    }

    fn clamp_digits(n: usize) -> usize {
        n.clamp(Self::MIN_DIGITS, Self::MAX_DIGITS)
    }

    /// The code whose random part is `value` written with `n` digits (leading zeros kept).
    fn from_number(value: u64, n: usize) -> PickupCode {
        let mut s = format!("{value:0n$}");
        let check = damm_check_digit(s.as_bytes());
        s.push(char::from(b'0' + check));
        PickupCode(s)
    }

    /// A random code with `n` random digits + check digit; `n` is clamped to
    /// `MIN_DIGITS..=MAX_DIGITS`. Pass a cryptographic RNG (`OsRng`, `thread_rng()`).
    pub fn random(n: usize, rng: &mut impl Rng) -> PickupCode {
        let n = Self::clamp_digits(n);
        Self::from_number(rng.gen_range(0..Self::space_size(n)), n)
    }

    /// `count` distinct random codes of `n` digits (clamped as in [`Self::random`]); at most
    /// the size of the code space, so asking for more returns every code once, shuffled.
    pub fn candidates(n: usize, count: usize, rng: &mut impl Rng) -> Vec<PickupCode> {
        let n = Self::clamp_digits(n);
        let space = Self::space_size(n);
        let count = usize::try_from(space).map_or(count, |s| count.min(s));
        if count == 0 {
            return Vec::new();
        }
        // Dense request in a small space: partial Fisher–Yates over the whole space.
        if space <= 1_000_000 && (count as u64).saturating_mul(2) >= space {
            let mut all: Vec<u64> = (0..space).collect();
            for i in 0..count {
                let j = rng.gen_range(i..all.len());
                all.swap(i, j);
            }
            return all[..count]
                .iter()
                .map(|&v| Self::from_number(v, n))
                .collect();
        }
        // Sparse: rejection sampling needs fewer than two draws per code on average.
        let mut seen = HashSet::with_capacity(count);
        let mut out = Vec::with_capacity(count);
        while out.len() < count {
            let v = rng.gen_range(0..space);
            if seen.insert(v) {
                out.push(Self::from_number(v, n));
            }
        }
        out
    }

    /// Parses what staff typed for a code with `n` random digits: spaces, dashes and other
    /// whitespace are ignored (full-width digits count as digits); the rest must be exactly
    /// `n + 1` ASCII digits ending in a valid Damm check digit.
    pub fn parse_typed(input: &str, n: usize) -> Result<PickupCode, InvalidCode> {
        let expected = n.saturating_add(1);
        let mut digits = String::with_capacity(expected.min(64));
        let mut got = 0usize;
        for c in input.chars() {
            if c.is_whitespace() || is_dash(c) {
                continue;
            }
            let d = normalize_digit(c).ok_or(InvalidCode::NotDigits)?;
            got += 1;
            if got <= expected {
                digits.push(d);
            }
        }
        if got == 0 {
            return Err(InvalidCode::Empty);
        }
        if got != expected {
            return Err(InvalidCode::WrongLength { expected, got });
        }
        if !damm_is_valid(digits.as_bytes()) {
            return Err(InvalidCode::CheckDigit);
        }
        Ok(PickupCode(digits))
    }

    /// Accepts an exact digit string of any supported length (`MIN_DIGITS + 1 ..= MAX_DIGITS + 1`
    /// digits, check digit included) with a valid check digit; no separators. For codes read
    /// back from the database or carried in a QR payload.
    pub fn from_digits(digits: &str) -> Result<PickupCode, InvalidCode> {
        if digits.is_empty() {
            return Err(InvalidCode::Empty);
        }
        if !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(InvalidCode::NotDigits);
        }
        let (min, max) = (Self::MIN_DIGITS + 1, Self::MAX_DIGITS + 1);
        let got = digits.len();
        if got < min || got > max {
            return Err(InvalidCode::WrongLength {
                expected: got.clamp(min, max),
                got,
            });
        }
        if !damm_is_valid(digits.as_bytes()) {
            return Err(InvalidCode::CheckDigit);
        }
        Ok(PickupCode(digits.to_owned()))
    }

    /// The digits, check digit included (e.g. `"4829137"`).
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The digits as an owned string.
    pub fn into_string(self) -> String {
        self.0
    }

    /// The digits in groups for reading aloud, e.g. `"482 9137"`. See [`group_digits`].
    pub fn grouped(&self) -> String {
        group_digits(&self.0)
    }

    /// A log-safe hint: the first two digits, the rest masked (`"48•••••"`).
    pub fn redacted(&self) -> String {
        let shown: String = self.0.chars().take(2).collect();
        let hidden = "•".repeat(self.0.chars().count().saturating_sub(2));
        format!("{shown}{hidden}")
    }
}

impl fmt::Debug for PickupCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PickupCode(<{} digits>)", self.0.len())
    }
}

fn is_dash(c: char) -> bool {
    matches!(
        c,
        '-' | '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{FE58}' | '\u{FE63}' | '\u{FF0D}'
    )
}

/// ASCII digits as they are; full-width digits (`０`–`９`, typed by CJK input methods) mapped to ASCII.
pub(crate) fn normalize_digit(c: char) -> Option<char> {
    match c {
        '0'..='9' => Some(c),
        '\u{FF10}'..='\u{FF19}' => char::from_u32(u32::from(c) - 0xFF10 + u32::from('0')),
        _ => None,
    }
}

/// Groups digits for display: the fewest groups of at most 4 digits, sizes as equal as
/// possible, shorter groups first, separated by single spaces.
///
/// 4 → `4829`, 5 → `48 291`, 6 → `482 913`, 7 → `482 9137`, 8 → `4829 1375`,
/// 9 → `482 913 756`, 10 → `482 913 7562`, 11 → `482 9137 5621`.
pub fn group_digits(digits: &str) -> String {
    let chars: Vec<char> = digits.chars().collect();
    let len = chars.len();
    if len <= 4 {
        return digits.to_owned();
    }
    let groups = len.div_ceil(4);
    let base = len / groups;
    let longer = len % groups; // the last `longer` groups get one extra digit
    let mut out = String::with_capacity(len + groups);
    let mut pos = 0;
    for g in 0..groups {
        let size = base + usize::from(g >= groups - longer);
        if g > 0 {
            out.push(' ');
        }
        out.extend(&chars[pos..pos + size]);
        pos += size;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::rngs::StdRng;
    use rand::SeedableRng;

    fn rng() -> StdRng {
        StdRng::seed_from_u64(0x5C0DE)
    }

    #[test]
    fn table_is_a_quasigroup_with_zero_diagonal_and_weak_total_antisymmetry() {
        for (i, row) in DAMM_TABLE.iter().enumerate() {
            assert_eq!(row[i], 0);
            let mut r: Vec<u8> = row.to_vec();
            r.sort_unstable();
            assert_eq!(r, (0..10).collect::<Vec<u8>>());
            let mut col: Vec<u8> = DAMM_TABLE.iter().map(|row| row[i]).collect();
            col.sort_unstable();
            assert_eq!(col, (0..10).collect::<Vec<u8>>());
        }
        // (c*x)*y == (c*y)*x implies x == y
        for c in 0..10 {
            for x in 0..10 {
                for y in 0..10 {
                    if x != y {
                        let a = DAMM_TABLE[DAMM_TABLE[c][x] as usize][y];
                        let b = DAMM_TABLE[DAMM_TABLE[c][y] as usize][x];
                        assert_ne!(a, b, "c={c} x={x} y={y}");
                    }
                }
            }
        }
    }

    #[test]
    fn known_damm_vectors() {
        assert_eq!(damm_check_digit(&[5, 7, 2]), 4);
        assert_eq!(damm_check_digit(b"572"), 4);
        assert!(damm_is_valid(b"5724"));
        assert!(damm_is_valid(&[5, 7, 2, 4]));
        assert!(!damm_is_valid(b"5723"));
        assert!(!damm_is_valid(b"5742"));
        assert_eq!(damm_check_digit(b""), 0);
        assert_eq!(damm_check_digit(b"0000"), 0);
        assert!(damm_is_valid(b"0"));
        assert!(!damm_is_valid(b""));
        assert!(!damm_is_valid(b"57 24"));
        assert!(!damm_is_valid(&[5, 7, 2, 40]));
        assert_eq!(damm_check_digit(b"5 7-2"), 4);
    }

    #[test]
    fn appending_the_check_digit_always_validates() {
        let mut rng = rng();
        for _ in 0..2000 {
            let len = rng.gen_range(1..15);
            let mut v: Vec<u8> = (0..len).map(|_| rng.gen_range(0..10)).collect();
            v.push(damm_check_digit(&v));
            assert!(damm_is_valid(&v));
        }
    }

    #[test]
    fn random_codes_have_the_right_shape() {
        let mut rng = rng();
        for n in PickupCode::MIN_DIGITS..=PickupCode::MAX_DIGITS {
            for _ in 0..200 {
                let c = PickupCode::random(n, &mut rng);
                assert_eq!(c.as_str().len(), n + 1);
                assert!(damm_is_valid(c.as_str().as_bytes()));
                assert_eq!(PickupCode::parse_typed(c.as_str(), n), Ok(c.clone()));
                assert_eq!(PickupCode::parse_typed(&c.grouped(), n), Ok(c.clone()));
                assert_eq!(PickupCode::from_digits(c.as_str()), Ok(c.clone()));
            }
        }
        // n is clamped
        assert_eq!(PickupCode::random(0, &mut rng).as_str().len(), 4);
        assert_eq!(PickupCode::random(99, &mut rng).as_str().len(), 11);
    }

    #[test]
    fn leading_zeros_are_kept() {
        let c = PickupCode::from_number(7, 6);
        assert!(c.as_str().starts_with("000007"));
        assert_eq!(c.as_str().len(), 7);
        assert_eq!(PickupCode::from_number(0, 3).as_str(), "0000");
    }

    #[test]
    fn every_single_digit_substitution_is_rejected() {
        let mut rng = rng();
        for n in PickupCode::MIN_DIGITS..=PickupCode::MAX_DIGITS {
            for _ in 0..100 {
                let code = PickupCode::random(n, &mut rng);
                let bytes = code.as_str().as_bytes();
                for i in 0..bytes.len() {
                    for d in b'0'..=b'9' {
                        if d == bytes[i] {
                            continue;
                        }
                        let mut typo = bytes.to_vec();
                        typo[i] = d;
                        assert!(!damm_is_valid(&typo));
                        let typo = String::from_utf8(typo).unwrap();
                        assert_eq!(
                            PickupCode::parse_typed(&typo, n),
                            Err(InvalidCode::CheckDigit),
                            "{} -> {typo}",
                            code.as_str()
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn every_adjacent_transposition_is_rejected() {
        let mut rng = rng();
        let mut checked = 0;
        for n in PickupCode::MIN_DIGITS..=PickupCode::MAX_DIGITS {
            for _ in 0..200 {
                let code = PickupCode::random(n, &mut rng);
                let bytes = code.as_str().as_bytes();
                for i in 0..bytes.len() - 1 {
                    if bytes[i] == bytes[i + 1] {
                        continue;
                    }
                    let mut swapped = bytes.to_vec();
                    swapped.swap(i, i + 1);
                    let swapped = String::from_utf8(swapped).unwrap();
                    assert_eq!(
                        PickupCode::parse_typed(&swapped, n),
                        Err(InvalidCode::CheckDigit),
                        "{} -> {swapped}",
                        code.as_str()
                    );
                    checked += 1;
                }
            }
        }
        assert!(checked > 5000);
    }

    #[test]
    fn exhaustive_for_three_digit_codes() {
        // All 1000 codes of the smallest space: every substitution and transposition fails.
        for v in 0..1000 {
            let code = PickupCode::from_number(v, 3);
            let b = code.as_str().as_bytes();
            for i in 0..4 {
                for d in b'0'..=b'9' {
                    if d != b[i] {
                        let mut t = b.to_vec();
                        t[i] = d;
                        assert!(!damm_is_valid(&t));
                    }
                }
                if i < 3 && b[i] != b[i + 1] {
                    let mut t = b.to_vec();
                    t.swap(i, i + 1);
                    assert!(!damm_is_valid(&t));
                }
            }
        }
    }

    #[test]
    fn parse_typed_accepts_separators_and_whitespace() {
        // 482913 has Damm check digit 8 (the spec's "482 9137" is only an illustration).
        let n = 6;
        let valid = "4829138";
        assert_eq!(damm_check_digit(b"482913"), 8);
        for input in [
            "4829138",
            "482 9138",
            "482-9138",
            " 4829138 ",
            "\t48\u{2013}291 \n38\u{3000}",
            "4-8-2-9-1-3-8",
            "\u{FF14}\u{FF18}\u{FF12}\u{FF19}\u{FF11}\u{FF13}\u{FF18}",
        ] {
            let parsed = PickupCode::parse_typed(input, n);
            assert_eq!(
                parsed.as_ref().map(PickupCode::as_str),
                Ok(valid),
                "{input:?}"
            );
        }
        assert_eq!(
            PickupCode::parse_typed("482 9137", n),
            Err(InvalidCode::CheckDigit)
        );
    }

    #[test]
    fn parse_typed_rejections() {
        // absurd configurations never panic
        assert!(PickupCode::parse_typed("5724", usize::MAX).is_err());
        assert_eq!(
            PickupCode::parse_typed("5", 0),
            Err(InvalidCode::CheckDigit)
        );
        let n = 6;
        assert_eq!(PickupCode::parse_typed("", n), Err(InvalidCode::Empty));
        assert_eq!(
            PickupCode::parse_typed("  - -\t", n),
            Err(InvalidCode::Empty)
        );
        assert_eq!(
            PickupCode::parse_typed("482a137", n),
            Err(InvalidCode::NotDigits)
        );
        assert_eq!(
            PickupCode::parse_typed("abcdefg", n),
            Err(InvalidCode::NotDigits)
        );
        assert_eq!(
            PickupCode::parse_typed("482.9137", n),
            Err(InvalidCode::NotDigits)
        );
        assert_eq!(
            PickupCode::parse_typed("+4829137", n),
            Err(InvalidCode::NotDigits)
        );
        assert_eq!(
            PickupCode::parse_typed("٤٨٢٩١٣٧", n),
            Err(InvalidCode::NotDigits)
        );
        assert_eq!(
            PickupCode::parse_typed("SC1:123", n),
            Err(InvalidCode::NotDigits)
        );
        assert_eq!(
            PickupCode::parse_typed("572 4", n),
            Err(InvalidCode::WrongLength {
                expected: 7,
                got: 4
            })
        );
        assert_eq!(
            PickupCode::parse_typed("48291370", n),
            Err(InvalidCode::WrongLength {
                expected: 7,
                got: 8
            })
        );
        let long = "1".repeat(100_000);
        assert_eq!(
            PickupCode::parse_typed(&long, n),
            Err(InvalidCode::WrongLength {
                expected: 7,
                got: 100_000
            })
        );
        // Right length for another configuration is still the wrong length here.
        assert_eq!(
            PickupCode::parse_typed("5724", 3).map(|c| c.into_string()),
            Ok("5724".into())
        );
        assert!(matches!(
            PickupCode::parse_typed("5724", 6),
            Err(InvalidCode::WrongLength { .. })
        ));
    }

    #[test]
    fn from_digits_is_strict() {
        assert!(PickupCode::from_digits("5724").is_ok());
        assert_eq!(PickupCode::from_digits(""), Err(InvalidCode::Empty));
        assert_eq!(
            PickupCode::from_digits("572 4"),
            Err(InvalidCode::NotDigits)
        );
        assert_eq!(
            PickupCode::from_digits("5723"),
            Err(InvalidCode::CheckDigit)
        );
        assert_eq!(
            PickupCode::from_digits("0"),
            Err(InvalidCode::WrongLength {
                expected: 4,
                got: 1
            })
        );
        assert_eq!(
            PickupCode::from_digits("000000000000"),
            Err(InvalidCode::WrongLength {
                expected: 11,
                got: 12
            })
        );
    }

    #[test]
    fn error_messages() {
        assert_eq!(
            InvalidCode::CheckDigit.to_string(),
            "not a valid code — the check digit does not match"
        );
        assert_eq!(
            InvalidCode::WrongLength {
                expected: 7,
                got: 5
            }
            .to_string(),
            "not a valid code — expected 7 digits, got 5"
        );
        for e in [InvalidCode::Empty, InvalidCode::NotDigits] {
            assert!(e.to_string().starts_with("not a valid code — "));
        }
    }

    #[test]
    fn grouping_rule() {
        let cases = [
            ("1", "1"),
            ("1234", "1234"),
            ("12345", "12 345"),
            ("123456", "123 456"),
            ("4829137", "482 9137"),
            ("48291375", "4829 1375"),
            ("482913756", "482 913 756"),
            ("4829137562", "482 913 7562"),
            ("48291375621", "482 9137 5621"),
            ("123456789012", "1234 5678 9012"),
        ];
        for (digits, grouped) in cases {
            assert_eq!(group_digits(digits), grouped);
        }
        for len in 1..40 {
            let s = "7".repeat(len);
            let g = group_digits(&s);
            assert_eq!(g.replace(' ', ""), s);
            let sizes: Vec<usize> = g.split(' ').map(str::len).collect();
            assert!(sizes.iter().all(|&k| k <= 4));
            assert!(sizes.windows(2).all(|w| w[0] <= w[1] && w[1] - w[0] <= 1));
        }
        let c = PickupCode::from_digits("5724").unwrap();
        assert_eq!(c.grouped(), "5724");
    }

    #[test]
    fn candidates_are_distinct_and_valid() {
        let mut rng = rng();
        for (n, count) in [
            (3, 10),
            (3, 500),
            (3, 999),
            (3, 1000),
            (4, 5000),
            (6, 2000),
            (10, 300),
        ] {
            let cs = PickupCode::candidates(n, count, &mut rng);
            assert_eq!(cs.len(), count);
            let set: HashSet<_> = cs.iter().map(PickupCode::as_str).collect();
            assert_eq!(set.len(), count);
            assert!(cs
                .iter()
                .all(|c| c.as_str().len() == n + 1 && damm_is_valid(c.as_str().as_bytes())));
        }
        assert_eq!(PickupCode::candidates(3, 5000, &mut rng).len(), 1000);
        assert!(PickupCode::candidates(6, 0, &mut rng).is_empty());
    }

    #[test]
    fn space_size() {
        assert_eq!(PickupCode::space_size(3), 1_000);
        assert_eq!(PickupCode::space_size(6), 1_000_000);
        assert_eq!(PickupCode::space_size(10), 10_000_000_000);
        assert_eq!(PickupCode::space_size(0), 1);
        assert_eq!(PickupCode::space_size(usize::MAX), u64::MAX);
    }

    #[test]
    fn debug_does_not_leak_the_code() {
        let c = PickupCode::from_number(123_456, 6);
        let dbg = format!("{c:?}");
        assert!(!dbg.contains("123456"), "{dbg}");
        assert_eq!(dbg, "PickupCode(<7 digits>)");
        assert_eq!(c.redacted().chars().count(), 7);
        assert!(c.redacted().starts_with("12"));
        assert!(!c.redacted().contains("3456"));
    }
}
