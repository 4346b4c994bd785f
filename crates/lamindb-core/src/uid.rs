//! Uids: random base62 strings, and the deterministic instance id and uid.

use md5::{Digest, Md5};

/// LaminDB's base62 alphabet: digits, then upper case, then lower case.
pub const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// A random base62 string of `n` characters from the operating system's CSPRNG.
pub fn base62(n: usize) -> String {
    let mut out = String::with_capacity(n);
    let mut buf = [0u8; 64];
    while out.len() < n {
        getrandom::fill(&mut buf).expect("the operating system's random source is available");
        // Rejection sampling keeps the distribution uniform: 248 = 4 * 62.
        for b in buf.iter().filter(|b| **b < 248) {
            if out.len() == n {
                break;
            }
            out.push(BASE62[(*b % 62) as usize] as char);
        }
    }
    out
}

/// Base62 encoding of bytes as LaminDB (pybase62's `encodebytes`) does it: leading zero bytes
/// become `0z` per 61 and `0<c>` for the rest, then the big-endian integer in base62.
pub fn encode_bytes_base62(bytes: &[u8]) -> String {
    let zeros = bytes.iter().take_while(|b| **b == 0).count();
    let mut out = String::new();
    for _ in 0..zeros / 61 {
        out.push_str("0z");
    }
    if zeros % 61 > 0 {
        out.push('0');
        out.push(BASE62[zeros % 61] as char);
    }
    let rest = &bytes[zeros..];
    if rest.is_empty() {
        return out;
    }
    // Repeated division of the big-endian number by 62.
    let mut num: Vec<u8> = rest.to_vec();
    let mut digits = Vec::new();
    while !num.is_empty() {
        let mut rem: u32 = 0;
        let mut next = Vec::with_capacity(num.len());
        for &b in &num {
            let acc = (rem << 8) | b as u32;
            let q = acc / 62;
            rem = acc % 62;
            if !(next.is_empty() && q == 0) {
                next.push(q as u8);
            }
        }
        digits.push(BASE62[rem as usize]);
        num = next;
    }
    out.extend(digits.iter().rev().map(|d| *d as char));
    out
}

/// A new uid for a record of `reg`: random base62 of the registry's uid length; for versioned
/// registries a random stem and the first version suffix `0000`, as LaminDB makes them.
/// Artifact and Run uids start with a [`time_ordered_stem`].
pub fn new_uid(reg: &crate::Registry) -> String {
    let len = reg.uid_len.unwrap_or(16);
    let stem_len = if reg.versioned { len.saturating_sub(4) } else { len };
    let mut uid = match reg.time_ordered_uid {
        true => time_ordered_stem() + &base62(stem_len.saturating_sub(16)),
        false => base62(stem_len),
    };
    if reg.versioned {
        uid.push_str("0000");
    }
    uid
}

/// A 16-character base62 uid stem that sorts by creation time: a ULID (millisecond clock, then
/// randomness that increases within a millisecond) written as 9 characters of milliseconds and 7
/// of randomness. Any base62 string is a valid LaminDB uid; these make inserts into uid indexes
/// append at the end instead of landing at random pages (bulk saves of a million artifacts are
/// faster, see the scale benchmark). Unique across processes as random stems are: 41 bits of
/// randomness per millisecond, and the database's unique constraint behind them.
pub fn time_ordered_stem() -> String {
    static GENERATOR: std::sync::Mutex<ulid::Generator> = std::sync::Mutex::new(ulid::Generator::new());
    let id = {
        let mut g = GENERATOR.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        // Overflow means 2^80 ids in one millisecond: a fresh ULID is as good.
        g.generate().unwrap_or_else(|_| ulid::Ulid::generate())
    };
    let mut out = [0u8; 16];
    let mut ms = id.timestamp_ms();
    for slot in out[..9].iter_mut().rev() {
        *slot = BASE62[(ms % 62) as usize];
        ms /= 62;
    }
    let mut random = id.random() % 62u128.pow(7);
    for slot in out[9..].iter_mut().rev() {
        *slot = BASE62[(random % 62) as usize];
        random /= 62;
    }
    String::from_utf8(out.to_vec()).expect("base62 is ASCII")
}

/// Instance id: `uuid5(NAMESPACE_URL, "owner/name")`.
pub fn instance_id(owner: &str, name: &str) -> uuid::Uuid {
    uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_URL, format!("{owner}/{name}").as_bytes())
}

/// The instance uid: `base62(md5(id.hex))[:12]`.
pub fn instance_uid(id: &uuid::Uuid) -> String {
    let hex = id.simple().to_string();
    let digest = Md5::digest(hex.as_bytes());
    encode_bytes_base62(&digest).chars().take(12).collect()
}

/// Decodes a base62 string (LaminDB's alphabet).
pub fn decode_base62(s: &str) -> Option<u32> {
    s.bytes().try_fold(0u32, |n, b| {
        let d = BASE62.iter().position(|c| *c == b)? as u32;
        n.checked_mul(62)?.checked_add(d)
    })
}

/// Encodes `n` in base62 with exactly `width` digits.
pub fn encode_base62(mut n: u32, width: usize) -> crate::Result<String> {
    let mut out = vec![b'0'; width];
    for slot in out.iter_mut().rev() {
        *slot = BASE62[(n % 62) as usize];
        n /= 62;
    }
    if n > 0 {
        return Err(crate::Error::Refused(crate::Refusal::NoVersionLeft));
    }
    Ok(String::from_utf8(out).expect("ASCII"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_ordered_stems_sort_by_creation() {
        let stems: Vec<String> = (0..10_000).map(|_| time_ordered_stem()).collect();
        assert!(stems.iter().all(|s| s.len() == 16 && s.bytes().all(|b| BASE62.contains(&b))));
        assert!(stems.windows(2).all(|w| w[0] < w[1]), "strictly increasing, hence distinct");
        std::thread::sleep(std::time::Duration::from_millis(2));
        assert!(time_ordered_stem() > stems[9_999]);
    }

    #[test]
    fn instance_uid_matches_lamindb_vectors() {
        // Computed with lamindb-setup 1.27.0 (`instance_uid_from_uuid(uuid5(NAMESPACE_URL, slug))`).
        for (owner, name, hex, uid) in [
            ("anonymous", "data", "e137f67e636b5afd9c29bb210c687952", "20y5jjSJFsk4"),
            ("anonymous", "pydata", "aa71bc8afa90594a88bbad070794b861", "78ZznxGOkcfp"),
            ("anonymous", "test", "f63a0985f46b50fe8220d291b4cc5445", "ITxvyjWeWURE"),
            ("alice", "my-project", "4367b78ad1c45604ac44c7d20f58dabe", "7Anyn2ud5VAA"),
            ("anonymous", "x", "3b34a2b3529056bfa4ce7170bfb525c6", "2S0KtV7Sz4yP"),
        ] {
            let id = instance_id(owner, name);
            assert_eq!(id.simple().to_string(), hex, "{owner}/{name}");
            assert_eq!(instance_uid(&id), uid, "{owner}/{name}");
        }
    }

    #[test]
    fn encodebytes_matches_pybase62() {
        assert_eq!(encode_bytes_base62(b""), "");
        assert_eq!(encode_bytes_base62(&[0]), "01");
        assert_eq!(encode_bytes_base62(&[0, 0, 1]), "021");
        assert_eq!(encode_bytes_base62(&[1]), "1");
        assert_eq!(encode_bytes_base62(&[0xff, 0xff]), "H31");
        let mut v = vec![0u8; 61];
        v.push(5);
        assert_eq!(encode_bytes_base62(&v), "0z5");
        assert_eq!(encode_bytes_base62(&[0u8; 62]), "0z01");
    }

    #[test]
    fn random_uids_are_base62_of_the_requested_length() {
        let a = base62(12);
        assert_eq!(a.len(), 12);
        assert!(a.bytes().all(|b| BASE62.contains(&b)));
        assert_ne!(base62(20), base62(20));
    }
}
