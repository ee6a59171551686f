//! Files in the browser: uploads with progress (fetch can't report upload
//! progress, so uploads use XMLHttpRequest) and object URLs for downloads.

use shared::api::{Attachment, Uploaded};
use shared::{ErrorBody, ErrorCode};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

/// Why an upload failed.
#[derive(Clone, Debug, PartialEq)]
pub struct UploadFailure {
    pub code: Option<ErrorCode>,
    pub message: String,
}

/// An object URL holding `bytes`.
pub fn object_url(bytes: &[u8], content_type: &str) -> Result<String, JsValue> {
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(content_type);
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options)?;
    web_sys::Url::create_object_url_with_blob(&blob)
}

/// The files of a file list (an input's, a drop's or a paste's).
pub fn files_of(list: Option<web_sys::FileList>) -> Vec<web_sys::File> {
    let Some(list) = list else { return Vec::new() };
    (0..list.length()).filter_map(|i| list.get(i)).collect()
}

/// Uploads one file to `url` with `token`, reporting progress (0.0–1.0).
/// Resolves with the stored attachment.
pub async fn upload(
    url: &str,
    token: &str,
    file: &web_sys::File,
    on_progress: impl Fn(f64) + 'static,
) -> Result<Attachment, UploadFailure> {
    let local = |message: String| UploadFailure { code: None, message };
    let xhr = web_sys::XmlHttpRequest::new().map_err(|e| local(format!("{e:?}")))?;
    xhr.open("POST", url).map_err(|e| local(format!("{e:?}")))?;
    xhr.set_request_header("Authorization", &format!("Bearer {token}")).map_err(|e| local(format!("{e:?}")))?;
    let form = web_sys::FormData::new().map_err(|e| local(format!("{e:?}")))?;
    form.append_with_blob_and_filename("file", file, &file.name()).map_err(|e| local(format!("{e:?}")))?;

    let progress = Closure::<dyn Fn(web_sys::ProgressEvent)>::new(move |event: web_sys::ProgressEvent| {
        if event.length_computable() && event.total() > 0.0 {
            on_progress(event.loaded() / event.total());
        }
    });
    if let Ok(upload) = xhr.upload() {
        upload.set_onprogress(Some(progress.as_ref().unchecked_ref()));
    }
    let done = js_sys::Promise::new(&mut |resolve, _reject| {
        let resolve_load = resolve.clone();
        let on_load = Closure::once_into_js(move || {
            let _ = resolve_load.call0(&JsValue::NULL);
        });
        let on_error = Closure::once_into_js(move || {
            let _ = resolve.call0(&JsValue::NULL);
        });
        xhr.set_onload(Some(on_load.unchecked_ref()));
        xhr.set_onerror(Some(on_error.unchecked_ref()));
    });
    xhr.send_with_opt_form_data(Some(&form)).map_err(|e| local(format!("{e:?}")))?;
    let _ = wasm_bindgen_futures::JsFuture::from(done).await;
    drop(progress);

    let status = xhr.status().unwrap_or(0);
    let text = xhr.response_text().ok().flatten().unwrap_or_default();
    if status == 0 {
        return Err(local("network error".into()));
    }
    if (200..300).contains(&status) {
        let uploaded: Uploaded = serde_json::from_str(&text).map_err(|e| local(e.to_string()))?;
        return uploaded.attachments.into_iter().next().ok_or_else(|| local("empty upload response".into()));
    }
    match serde_json::from_str::<ErrorBody>(&text) {
        Ok(body) => Err(UploadFailure { code: Some(body.error.code), message: body.error.message }),
        Err(_) => Err(local(format!("HTTP {status}"))),
    }
}

/// A size for people: "840 KB", "3.2 MB", "10 MB".
pub fn human_size(bytes: f64) -> String {
    // Integer arithmetic: formatting floats would add kilobytes to the widget.
    if bytes >= 1024.0 * 1024.0 {
        let tenths = (bytes * 10.0 / (1024.0 * 1024.0)).round() as u64;
        match tenths % 10 {
            0 => format!("{} MB", tenths / 10),
            tenth => format!("{}.{tenth} MB", tenths / 10),
        }
    } else {
        format!("{} KB", (bytes / 1024.0).ceil() as u64)
    }
}

#[cfg(test)]
mod tests {
    use super::human_size;

    #[test]
    fn sizes_read_naturally() {
        assert_eq!(human_size(10.0 * 1024.0 * 1024.0), "10 MB");
        assert_eq!(human_size(3.2 * 1024.0 * 1024.0), "3.2 MB");
        assert_eq!(human_size(840.0 * 1024.0), "840 KB");
        assert_eq!(human_size(1.0), "1 KB");
    }
}
