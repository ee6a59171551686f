//! Upload parsing: arbitrary bodies through actix-multipart and the backend's
//! `read_files`, arriving in chunks with a pause before each.
//!
//! Input: byte 0 the chunk size (+1); byte 1 the Content-Type (mod 4): 0 a
//! `multipart/form-data` with boundary `X`, 1 a `multipart/mixed` with boundary `X`,
//! 2 the input's first line, 3 none; the rest the body.
#![no_main]

#[path = "../../backend/src/domain/upload_form.rs"]
mod upload_form;

use actix_multipart::Multipart;
use actix_web::error::PayloadError;
use actix_web::http::header::{CONTENT_TYPE, HeaderMap, HeaderValue};
use bytes::Bytes;
use futures_util::Stream;
use libfuzzer_sys::fuzz_target;
use std::pin::{Pin, pin};
use std::task::{Context, Poll, Waker};
use upload_form::{UploadError, UploadLimits, read_files};

const LIMITS: UploadLimits = UploadLimits { max_bytes: 64, max_files: 3 };

/// Polls without a runtime: the body is in memory, so each pause ends at the next poll.
const MAX_POLLS: usize = 100_000;

fuzz_target!(|data: &[u8]| {
    let [size, mode, rest @ ..] = data else { return };
    let (content_type, body): (Option<&[u8]>, &[u8]) = match mode % 4 {
        0 => (Some(b"multipart/form-data; boundary=X"), rest),
        1 => (Some(b"multipart/mixed; boundary=X"), rest),
        2 => match rest.iter().position(|b| *b == b'\n') {
            Some(end) => (Some(&rest[..end]), &rest[end + 1..]),
            None => (Some(rest), &[]),
        },
        _ => (None, rest),
    };
    let mut headers = HeaderMap::new();
    if let Some(value) = content_type {
        // A value no client could send in a header is not a request.
        let Ok(value) = HeaderValue::from_bytes(value) else { return };
        headers.insert(CONTENT_TYPE, value);
    }
    let chunks = body.chunks(usize::from(*size) + 1).map(Bytes::copy_from_slice).collect();
    let payload = Multipart::new(&headers, Paused { chunks, next: 0, paused: false });

    // 415 when the request does not claim a multipart body; a claim it makes with a
    // header of its own may still fail to parse (415 too); ours never do.
    let claims_multipart = content_type
        .is_some_and(|v| String::from_utf8_lossy(v).trim_start().to_ascii_lowercase().starts_with("multipart/"));
    let may_be_415 = !claims_multipart || mode % 4 == 2;
    match run(read_files(payload, LIMITS)) {
        Err(UploadError::NotMultipart) => assert!(may_be_415, "415 for {content_type:?}"),
        Err(UploadError::Malformed(e)) => {
            assert!(claims_multipart, "not 415 for {content_type:?}");
            use actix_multipart::MultipartError as E;
            assert!(!matches!(e, E::ContentTypeMissing | E::ContentTypeParse | E::ContentTypeIncompatible));
        }
        Err(UploadError::TooManyFiles(max)) => assert!(claims_multipart && max == LIMITS.max_files),
        Err(UploadError::TooLarge(max)) => assert!(claims_multipart && max == LIMITS.max_bytes),
        Ok(files) => {
            assert!(claims_multipart, "not 415 for {content_type:?}");
            assert!(files.len() <= LIMITS.max_files, "{} files", files.len());
            for (name, bytes) in &files {
                assert!(bytes.len() as u64 <= LIMITS.max_bytes, "a file of {} bytes", bytes.len());
                assert!(!name.is_empty() && name.chars().count() <= 200, "{name:?}");
                assert!(!name.contains(['/', '\\', '"']) && !name.contains(char::is_control), "{name:?}");
            }
        }
    }
});

/// The body's chunks, each after a pause (`Pending`, waking itself at once), as
/// they come from a socket.
struct Paused {
    chunks: Vec<Bytes>,
    next: usize,
    paused: bool,
}

impl Stream for Paused {
    type Item = Result<Bytes, PayloadError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if !self.paused {
            self.paused = true;
            cx.waker().wake_by_ref();
            return Poll::Pending;
        }
        self.paused = false;
        let chunk = self.chunks.get(self.next).cloned();
        self.next += 1;
        Poll::Ready(chunk.map(Ok))
    }
}

fn run<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    for _ in 0..MAX_POLLS {
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return output;
        }
    }
    panic!("reading the upload is stuck");
}
