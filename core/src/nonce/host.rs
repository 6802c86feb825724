//! The per-host source: one small file per scope in a directory of the
//! user's (by default in `/dev/shm`, which is memory), mapped by every
//! process that signs for that scope, holding one counter updated by
//! compare-and-swap.
//!
//! File layout (64 bytes, mode 0600, owned by the signing user):
//!
//! | bytes | content |
//! |---|---|
//! | 0..8 | magic `PAYSIGNC` |
//! | 8..12 | format version, little-endian u32: 1 |
//! | 12..16 | zero |
//! | 16..24 | the last value handed out, a u64 in the machine's byte order |
//! | 24..64 | zero |
//!
//! A file is created complete under a temporary name and linked into place,
//! so no process ever sees half a header. A file that is not exactly this
//! (size, magic, version, owner, mode) is refused with
//! `nonce_source_unavailable`, never replaced: another process may be
//! counting in it.

use std::collections::HashMap;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write as _};
use std::os::unix::fs::{DirBuilderExt as _, FileExt as _, MetadataExt as _};
use std::os::unix::fs::{OpenOptionsExt as _, PermissionsExt as _};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::RwLock;

use super::mapping::{effective_uid, SharedWord, FILE_LEN, WORD_OFFSET};
use super::{step, NonceSource, Scope};
use crate::clock::{Clock, SystemClock};
use crate::error::{Error, ErrorCode, Result};
use crate::schemes::Scheme;

const MAGIC: &[u8; 8] = b"PAYSIGNC";
const VERSION: u32 = 1;

/// Nonces shared by every process of this user on this machine that uses
/// the same directory. Safe to share between threads; a value kept per
/// process (signers share the default one) keeps each scope's file mapped,
/// so after the first nonce of a scope a nonce is one compare-and-swap.
///
/// The directory is created (mode 0700) when missing. It must belong to
/// this user and not be writable by others; each file must belong to this
/// user, have mode 0600 and be a paysig nonce file.
#[derive(Debug)]
pub struct HostNonces {
    dir: PathBuf,
    /// Mapped files, per scheme, by key id.
    mapped: [RwLock<HashMap<Box<str>, SharedWord>>; Scheme::ALL.len()],
}

impl HostNonces {
    /// A source counting in `dir`. Nothing is touched until the first
    /// nonce: errors (a directory that cannot be created, a bad file) come
    /// from `next_nonce`, and every sign retries, so a fixed file is picked
    /// up without a restart.
    pub fn new(dir: impl Into<PathBuf>) -> HostNonces {
        HostNonces {
            dir: dir.into(),
            mapped: Default::default(),
        }
    }

    /// A source in [`HostNonces::default_dir`].
    pub fn in_default_dir() -> HostNonces {
        HostNonces::new(HostNonces::default_dir())
    }

    /// `/dev/shm/paysig-<euid>`, or `/tmp/paysig-<euid>` on systems without
    /// `/dev/shm` (macOS, BSDs): memory where there is a memory file
    /// system, the host's shared temporary directory otherwise. Both are
    /// seen by every process of the host, except in containers and
    /// services with a private `/dev` or `/tmp`: processes that share a key
    /// across those must name a common directory, or use Redis.
    pub fn default_dir() -> PathBuf {
        let base = if Path::new("/dev/shm").is_dir() {
            "/dev/shm"
        } else {
            "/tmp"
        };
        PathBuf::from(format!("{base}/paysig-{}", effective_uid()))
    }

    /// The directory this source counts in.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The file that holds `scope`'s counter: named by a hash of the
    /// scope, so the API key is not written anywhere.
    pub fn file_for(&self, scope: Scope<'_>) -> PathBuf {
        self.dir.join(format!("{}.nonce", scope.id()))
    }

    /// Runs `f` on the scope's shared word, mapping the file on first use.
    /// The hot path is one read lock and one map lookup, with no
    /// reference count touched.
    fn with_word<T>(&self, scope: Scope<'_>, f: impl Fn(&AtomicU64) -> T) -> Result<T> {
        let slot = &self.mapped[scope.scheme as usize];
        if let Ok(map) = slot.read() {
            if let Some(shared) = map.get(scope.key_id) {
                return Ok(f(shared.word()));
            }
        }
        let opened = self.open(scope)?;
        let mut map = slot
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        // Another thread may have mapped it meanwhile: keep one mapping.
        let shared = map.entry(scope.key_id.into()).or_insert(opened);
        Ok(f(shared.word()))
    }

    fn open(&self, scope: Scope<'_>) -> Result<SharedWord> {
        let uid = effective_uid();
        self.check_dir(uid)?;
        let path = self.file_for(scope);
        let file = match open_existing(&path) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                create(&path).map_err(|e| {
                    unavailable(format!(
                        "cannot create the host nonce file {}: {e}; make the directory \
                         writable or name another one",
                        path.display()
                    ))
                })?;
                open_existing(&path)
            }
            other => other,
        }
        .map_err(|e| {
            unavailable(format!(
                "cannot open the host nonce file {} for reading and writing: {e}; it must \
                 belong to this user (uid {uid}) with mode 0600",
                path.display()
            ))
        })?;
        check_file(&path, &file, uid)?;
        SharedWord::map(&file).map_err(|e| {
            unavailable(format!(
                "cannot map the host nonce file {}: {e}",
                path.display()
            ))
        })
    }

    fn check_dir(&self, uid: u32) -> Result<()> {
        let dir = &self.dir;
        match fs::DirBuilder::new().mode(0o700).create(dir) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
            Err(e) => {
                return Err(unavailable(format!(
                    "cannot create the host nonce directory {}: {e}; create it (mode 0700) \
                     or name a directory this user can write",
                    dir.display()
                )))
            }
        }
        let meta = fs::metadata(dir).map_err(|e| {
            unavailable(format!(
                "cannot read the host nonce directory {}: {e}",
                dir.display()
            ))
        })?;
        if !meta.is_dir() {
            return Err(unavailable(format!(
                "the host nonce directory {} is not a directory",
                dir.display()
            )));
        }
        if meta.uid() != uid {
            return Err(unavailable(format!(
                "the host nonce directory {} belongs to uid {}, not to this user (uid {uid}); \
                 another user could replace its files: name a directory of this user's",
                dir.display(),
                meta.uid()
            )));
        }
        if meta.mode() & 0o022 != 0 {
            return Err(unavailable(format!(
                "the host nonce directory {} has mode {:04o}: others can replace its files; \
                 chmod it to 0700",
                dir.display(),
                meta.mode() & 0o7777
            )));
        }
        Ok(())
    }
}

impl NonceSource for HostNonces {
    fn next_nonce(&self, scope: Scope<'_>) -> Result<i64> {
        let now = SystemClock.now_millis();
        let next = self.with_word(scope, |word| {
            let mut previous = word.load(Ordering::Relaxed);
            loop {
                let next = step(now, i64::try_from(previous).unwrap_or(i64::MAX));
                if next == i64::MAX {
                    return None;
                }
                // One atomic word: its modification order is total across
                // all the processes, so Relaxed is enough (as for the
                // process source).
                match word.compare_exchange_weak(
                    previous,
                    next as u64,
                    Ordering::Relaxed,
                    Ordering::Relaxed,
                ) {
                    Ok(_) => return Some(next),
                    Err(actual) => previous = actual,
                }
            }
        })?;
        next.ok_or_else(|| {
            unavailable(format!(
                "the host nonce file {} holds the largest possible value: it was written \
                 by something else than paysig",
                self.file_for(scope).display()
            ))
        })
    }
}

fn unavailable(message: String) -> Error {
    Error::new(ErrorCode::NonceSourceUnavailable, message)
}

fn open_existing(path: &Path) -> io::Result<File> {
    OpenOptions::new()
        .read(true)
        .write(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC)
        .open(path)
}

/// Creates `path` complete: written under a temporary name, then linked
/// into place. Losing the race to another process is success.
fn create(path: &Path) -> io::Result<()> {
    let mut header = [0u8; FILE_LEN];
    header[..8].copy_from_slice(MAGIC);
    header[8..12].copy_from_slice(&VERSION.to_le_bytes());
    // Unique per call: threads of one process may create the same scope's
    // file at once, each with its own HostNonces (a name per process only
    // let one thread remove the other's temporary file).
    static CREATED: AtomicU64 = AtomicU64::new(0);
    let attempt = CREATED.fetch_add(1, Ordering::Relaxed);
    let tmp = path.with_extension(format!("tmp{}-{attempt}", std::process::id()));
    let _ = fs::remove_file(&tmp); // left by a crashed process of this pid
    let result = (|| {
        let mut file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC)
            .open(&tmp)?;
        file.write_all(&header)?;
        // The umask may have taken bits away; the file must be 0600.
        file.set_permissions(fs::Permissions::from_mode(0o600))?;
        match fs::hard_link(&tmp, path) {
            Err(e) if e.kind() != io::ErrorKind::AlreadyExists => Err(e),
            _ => Ok(()),
        }
    })();
    let _ = fs::remove_file(&tmp);
    result
}

/// Refuses anything but a paysig nonce file of this user's. Permission
/// bits are checked here rather than left to `open`, because root opens a
/// read-only file for writing all the same.
fn check_file(path: &Path, file: &File, uid: u32) -> Result<()> {
    let shown = path.display();
    let meta = file
        .metadata()
        .map_err(|e| unavailable(format!("cannot read the host nonce file {shown}: {e}")))?;
    let fix = "stop every process that signs with this key, then remove the file or \
               name another directory";
    if !meta.is_file() {
        return Err(unavailable(format!(
            "the host nonce file {shown} is not a regular file; {fix}"
        )));
    }
    if meta.uid() != uid {
        return Err(unavailable(format!(
            "the host nonce file {shown} belongs to uid {}, not to this user (uid {uid}); \
             processes of different users cannot share a host nonce file: run them as one \
             user, or {fix}",
            meta.uid()
        )));
    }
    let mode = meta.mode() & 0o7777;
    if mode & 0o600 != 0o600 {
        return Err(unavailable(format!(
            "the host nonce file {shown} is not writable (mode {mode:04o}); chmod it to 0600"
        )));
    }
    if mode & 0o022 != 0 {
        return Err(unavailable(format!(
            "the host nonce file {shown} has mode {mode:04o}: others can change it; chmod it \
             to 0600"
        )));
    }
    if meta.len() != FILE_LEN as u64 {
        return Err(unavailable(format!(
            "the host nonce file {shown} is {} bytes, not {FILE_LEN}: it was truncated or is \
             not a paysig nonce file; {fix}",
            meta.len()
        )));
    }
    let mut header = [0u8; WORD_OFFSET];
    file.read_exact_at(&mut header, 0)
        .map_err(|e| unavailable(format!("cannot read the host nonce file {shown}: {e}")))?;
    if &header[..8] != MAGIC {
        return Err(unavailable(format!(
            "the host nonce file {shown} is not a paysig nonce file (wrong magic); {fix}"
        )));
    }
    let version = u32::from_le_bytes([header[8], header[9], header[10], header[11]]);
    if version != VERSION {
        return Err(unavailable(format!(
            "the host nonce file {shown} has format version {version}, this paysig reads \
             version {VERSION}; every process sharing it must run one paysig version, or \
             {fix}"
        )));
    }
    Ok(())
}
