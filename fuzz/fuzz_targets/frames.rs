//! WebSocket frame decoding: the backend's `FrameGuard` (and its actix adapter)
//! against actix-http's codec on the same client bytes, cut into chunks.
//!
//! Input: bytes 0–1 the cap (u16, big-endian); byte 2 a count `k` (mod 16) of chunk
//! sizes that follow, one byte each (size = byte + 1, used in turn; none: one chunk);
//! the rest is what the client sends.
#![no_main]

#[path = "../../backend/src/realtime/frame_guard.rs"]
mod frame_guard;

use actix_codec::Decoder as _;
use actix_http::error::PayloadError;
use actix_http::ws::{Codec, Frame, Item, ProtocolError};
use bytes::{Bytes, BytesMut};
use frame_guard::{FrameGuard, GuardedPayload, is_oversized};
use futures_util::Stream;
use libfuzzer_sys::fuzz_target;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

/// The codec's own limit, far above any cap, so that it yields oversized frames
/// rather than refusing them itself (it buffers up to this much per frame).
const CODEC_MAX: usize = 1 << 20;

fuzz_target!(|data: &[u8]| {
    if data.len() < 3 {
        return;
    }
    let cap = usize::from(u16::from_be_bytes([data[0], data[1]]));
    let k = usize::from(data[2] % 16).min(data.len() - 3);
    let sizes: Vec<usize> = data[3..3 + k].iter().map(|b| usize::from(*b) + 1).collect();
    let stream = &data[3 + k..];
    let chunks = cut(stream, &sizes);

    // One chunk: the position of the refused header, if any.
    let whole = FrameGuard::new(cap).feed(stream).err().map(|(at, _)| at);

    // Chunk by chunk, passing on what the guard lets through, as the backend does.
    let mut guard = FrameGuard::new(cap);
    let mut guarded = Decoded::new(cap);
    let mut refused = None;
    let mut start = 0;
    for chunk in &chunks {
        match guard.feed(chunk) {
            Ok(()) => guarded.push(chunk),
            Err((before, _)) => {
                guarded.push(&chunk[..before]);
                refused = Some((start + before, start));
                break;
            }
        }
        start += chunk.len();
    }
    match (whole, refused) {
        (None, None) => {}
        (Some(at), Some((passed, chunk_start))) => {
            assert_eq!(passed, at.max(chunk_start), "chunking moved the refusal");
        }
        _ => panic!("one chunk: {whole:?}, chunks {sizes:?}: {refused:?}"),
    }
    assert!(!guarded.oversized, "an oversized frame or message got past the guard (cap {cap})");

    // Unguarded, the codec sees it all: over the cap means the guard refused; a
    // clean stream of whole frames within the cap means it did not. (Above, the guard
    // may pass the start of a header it then refuses, on which the codec may refuse
    // first: that is a refusal too, nothing was buffered.)
    let mut unguarded = Decoded::new(cap);
    for chunk in &chunks {
        unguarded.push(chunk);
    }
    if unguarded.oversized {
        assert!(whole.is_some(), "the codec decoded an oversized frame or message the guard let through");
    } else if unguarded.overflow {
        // The codec refuses such a length before the mask; the guard once the header is whole.
        let padded = [stream, &[0; 14]].concat();
        assert!(FrameGuard::new(cap).feed(&padded).is_err(), "the guard let through a length over i64::MAX");
    } else if !unguarded.failed && unguarded.buffer.is_empty() {
        assert_eq!(whole, None, "the guard refused a valid stream within the cap");
    }

    adapter_passes_the_same(cap, &chunks, stream, refused.map(|(passed, _)| passed));
});

/// `GuardedPayload` passes on exactly the bytes the guard allows, then only fails,
/// with an error the socket recognises.
fn adapter_passes_the_same(cap: usize, chunks: &[&[u8]], stream: &[u8], refused: Option<usize>) {
    let items: Vec<Result<Bytes, PayloadError>> = chunks.iter().map(|c| Ok(Bytes::copy_from_slice(c))).collect();
    let body: actix_http::BoxedPayloadStream = Box::pin(futures_util::stream::iter(items));
    let inner = actix_web::dev::Payload::Stream { payload: body };
    let mut payload = GuardedPayload::new(inner, cap);
    let mut cx = Context::from_waker(Waker::noop());
    let mut passed = Vec::new();
    let mut failed = false;
    // At most one item per chunk, one more for a split chunk, then the end.
    for _ in 0..chunks.len() + 2 {
        match Pin::new(&mut payload).poll_next(&mut cx) {
            Poll::Ready(Some(Ok(bytes))) => {
                assert!(!failed, "bytes passed on after the refusal");
                passed.extend_from_slice(&bytes);
            }
            Poll::Ready(Some(Err(e))) => {
                assert!(matches!(e, PayloadError::Overflow), "{e:?}");
                assert!(is_oversized(&ProtocolError::Io(std::io::Error::other(e))));
                failed = true;
            }
            Poll::Ready(None) => break,
            Poll::Pending => panic!("an in-memory payload is never pending"),
        }
    }
    assert_eq!(failed, refused.is_some());
    assert_eq!(passed, stream[..refused.unwrap_or(stream.len())]);
}

fn cut<'a>(mut stream: &'a [u8], sizes: &[usize]) -> Vec<&'a [u8]> {
    if sizes.is_empty() {
        return vec![stream];
    }
    let mut chunks = Vec::new();
    for size in sizes.iter().cycle() {
        if stream.is_empty() {
            break;
        }
        let (chunk, rest) = stream.split_at((*size).min(stream.len()));
        chunks.push(chunk);
        stream = rest;
    }
    chunks
}

/// What the server's decoder makes of the bytes it is given: frames and messages
/// reassembled from continuations (as actix-ws aggregates them), checked against the cap.
struct Decoded {
    codec: Codec,
    buffer: BytesMut,
    cap: usize,
    /// Bytes so far of the fragmented message being reassembled.
    message: usize,
    /// A frame or message over the cap came out.
    oversized: bool,
    /// The codec refused the stream: the connection would end here.
    failed: bool,
    /// The codec refused a header declaring more than it can hold (64-bit lengths
    /// over `i64::MAX`): with its limit far above the cap, only these.
    overflow: bool,
}

impl Decoded {
    fn new(cap: usize) -> Self {
        let codec = Codec::new().max_size(CODEC_MAX);
        Self { codec, buffer: BytesMut::new(), cap, message: 0, oversized: false, failed: false, overflow: false }
    }

    fn push(&mut self, bytes: &[u8]) {
        if self.failed {
            return;
        }
        self.buffer.extend_from_slice(bytes);
        loop {
            match self.codec.decode(&mut self.buffer) {
                Ok(Some(frame)) => self.frame(frame),
                Ok(None) => return,
                Err(e) => {
                    self.overflow = matches!(e, ProtocolError::Overflow);
                    self.failed = true;
                    return;
                }
            }
        }
    }

    fn frame(&mut self, frame: Frame) {
        let size = match frame {
            Frame::Text(b) | Frame::Binary(b) | Frame::Ping(b) | Frame::Pong(b) => b.len(),
            Frame::Close(reason) => reason.map_or(0, |r| 2 + r.description.map_or(0, |d| d.len())),
            Frame::Continuation(Item::FirstText(b) | Item::FirstBinary(b)) => {
                self.message = b.len();
                self.message
            }
            Frame::Continuation(Item::Continue(b)) => {
                self.message += b.len();
                self.message
            }
            Frame::Continuation(Item::Last(b)) => std::mem::take(&mut self.message) + b.len(),
        };
        self.oversized |= size > self.cap;
    }
}
