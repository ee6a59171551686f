//! The frame size cap, enforced on frame headers before anything is buffered.
//!
//! actix-http's WebSocket codec checks a frame's size only once the whole frame
//! has arrived, so a header declaring a gigabyte would be buffered up to the last
//! byte. [`FrameGuard`] reads the raw bytes of the upgraded connection as they
//! come, follows the frame headers and fails as soon as a header declares more
//! than the cap — for one frame, or for a message reassembled from continuation
//! frames. The payload itself passes through untouched and is decoded later.

use actix_web::dev::Payload;
use actix_web::error::PayloadError;
use bytes::Bytes;
use futures_util::Stream;
use std::pin::Pin;
use std::task::{Context, Poll};

/// The longest header: 2 bytes, an 8-byte length and a 4-byte mask.
const MAX_HEADER: usize = 14;

/// A header declared more than the cap.
#[derive(Debug, PartialEq, Eq)]
pub struct Oversized;

/// Follows the frame boundaries of a client's byte stream.
#[derive(Debug)]
pub struct FrameGuard {
    cap: u64,
    header: [u8; MAX_HEADER],
    have: usize,
    /// Payload bytes of the current frame still to come.
    skip: u64,
    /// Payload declared so far by the data frames of the current message.
    message: u64,
}

impl FrameGuard {
    /// A guard allowing frames and messages of at most `cap` bytes.
    pub fn new(cap: usize) -> Self {
        Self { cap: cap as u64, header: [0; MAX_HEADER], have: 0, skip: 0, message: 0 }
    }

    /// Takes the next bytes; on a header over the cap, returns how many bytes came
    /// before that header (they may be passed on).
    pub fn feed(&mut self, mut chunk: &[u8]) -> Result<(), (usize, Oversized)> {
        let total = chunk.len();
        while !chunk.is_empty() {
            if self.skip > 0 {
                let n = usize::try_from(self.skip).unwrap_or(usize::MAX).min(chunk.len());
                self.skip -= n as u64;
                chunk = &chunk[n..];
                continue;
            }
            // Where this header began in the chunk (0 if in an earlier chunk).
            let start = (total - chunk.len()).saturating_sub(self.have);
            let n = (self.header_len() - self.have).min(chunk.len());
            self.header[self.have..self.have + n].copy_from_slice(&chunk[..n]);
            self.have += n;
            chunk = &chunk[n..];
            if self.have == self.header_len() {
                self.have = 0;
                self.frame().map_err(|e| (start, e))?;
            }
        }
        Ok(())
    }

    /// The length of the header being read, as far as its first bytes tell.
    fn header_len(&self) -> usize {
        if self.have < 2 {
            return 2;
        }
        let extended = match self.header[1] & 0x7F {
            126 => 2,
            127 => 8,
            _ => 0,
        };
        let mask = if self.header[1] & 0x80 != 0 { 4 } else { 0 };
        2 + extended + mask
    }

    /// A complete header: checks its length and that of the message so far.
    fn frame(&mut self) -> Result<(), Oversized> {
        let length = match self.header[1] & 0x7F {
            126 => u64::from(u16::from_be_bytes([self.header[2], self.header[3]])),
            127 => u64::from_be_bytes(self.header[2..10].try_into().map_err(|_| Oversized)?),
            short => u64::from(short),
        };
        if length > self.cap {
            return Err(Oversized);
        }
        match self.header[0] & 0x0F {
            0 => self.message = self.message.saturating_add(length),
            1 | 2 => self.message = length,
            // Control frames may come between fragments and don't count.
            _ => {}
        }
        if self.message > self.cap {
            return Err(Oversized);
        }
        self.skip = length;
        Ok(())
    }
}

/// Whether a socket's read error is the guard's refusal.
pub fn is_oversized(error: &actix_ws::ProtocolError) -> bool {
    match error {
        actix_ws::ProtocolError::Overflow => true,
        actix_ws::ProtocolError::Io(io) => io
            .get_ref()
            .and_then(|e| e.downcast_ref::<PayloadError>())
            .is_some_and(|e| matches!(e, PayloadError::Overflow)),
        _ => false,
    }
}

/// The upgraded connection's bytes, passed on until a header goes over the cap.
pub struct GuardedPayload {
    inner: Payload,
    guard: FrameGuard,
    failed: bool,
}

impl GuardedPayload {
    /// Guards `inner` with a cap of `cap` bytes per frame and per message.
    pub fn new(inner: Payload, cap: usize) -> Self {
        Self { inner, guard: FrameGuard::new(cap), failed: false }
    }
}

impl Stream for GuardedPayload {
    type Item = Result<Bytes, PayloadError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        if this.failed {
            return Poll::Ready(Some(Err(PayloadError::Overflow)));
        }
        match Pin::new(&mut this.inner).poll_next(cx) {
            Poll::Ready(Some(Ok(bytes))) => match this.guard.feed(&bytes) {
                Ok(()) => Poll::Ready(Some(Ok(bytes))),
                Err((before, Oversized)) => {
                    // Whoever polls again gets the refusal again, never the bytes after it.
                    this.failed = true;
                    if before == 0 {
                        Poll::Ready(Some(Err(PayloadError::Overflow)))
                    } else {
                        Poll::Ready(Some(Ok(bytes.slice(..before))))
                    }
                }
            },
            other => other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A masked client frame header with `opcode`, `fin` and a declared `length`.
    fn header(opcode: u8, fin: bool, length: u64) -> Vec<u8> {
        let mut h = vec![opcode | if fin { 0x80 } else { 0 }];
        match length {
            0..=125 => h.push(0x80 | length as u8),
            126..=0xFFFF => {
                h.push(0x80 | 126);
                h.extend_from_slice(&(length as u16).to_be_bytes());
            }
            _ => {
                h.push(0x80 | 127);
                h.extend_from_slice(&length.to_be_bytes());
            }
        }
        h.extend_from_slice(&[1, 2, 3, 4]);
        h
    }

    fn frame(opcode: u8, fin: bool, length: usize) -> Vec<u8> {
        let mut f = header(opcode, fin, length as u64);
        f.extend(std::iter::repeat_n(b'x', length));
        f
    }

    #[test]
    fn frames_within_the_cap_pass_in_any_chunking() {
        let mut bytes = frame(1, true, 100);
        bytes.extend(frame(9, true, 4));
        bytes.extend(frame(2, true, 1000));
        bytes.extend(frame(1, false, 500));
        bytes.extend(frame(9, true, 0));
        bytes.extend(frame(0, true, 500));
        for size in [1, 2, 3, 7, 13, 14, 100, bytes.len()] {
            let mut guard = FrameGuard::new(1000);
            for chunk in bytes.chunks(size) {
                assert_eq!(guard.feed(chunk), Ok(()), "chunks of {size}");
            }
        }
    }

    #[test]
    fn a_declared_length_over_the_cap_fails_on_the_header() {
        let mut guard = FrameGuard::new(64 * 1024);
        let mut bytes = frame(1, true, 10);
        let before = bytes.len();
        bytes.extend(header(1, true, 1 << 30));
        assert_eq!(guard.feed(&bytes), Err((before, Oversized)));
        // Split mid-header: fails once the length is known.
        let mut guard = FrameGuard::new(64 * 1024);
        let big = header(2, true, u64::MAX);
        assert_eq!(guard.feed(&big[..5]), Ok(()));
        assert_eq!(guard.feed(&big[5..]), Err((0, Oversized)));
    }

    #[test]
    fn continuations_count_towards_one_message() {
        let mut guard = FrameGuard::new(64 * 1024);
        assert_eq!(guard.feed(&frame(1, false, 40 * 1024)), Ok(()));
        assert_eq!(guard.feed(&header(0, true, 40 * 1024)), Err((0, Oversized)));
        // A new message starts the count again.
        let mut guard = FrameGuard::new(1000);
        for _ in 0..3 {
            assert_eq!(guard.feed(&frame(1, false, 600)), Ok(()));
            assert_eq!(guard.feed(&frame(0, true, 400)), Ok(()));
        }
    }
}
