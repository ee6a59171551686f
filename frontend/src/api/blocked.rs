//! Blocked addresses: new visitor sessions from them are refused.

use super::{ApiResult, Authed};
use gloo_net::http::Request;
use shared::api::{BlockAddress, BlockedAddress};
use shared::{ContactId, Page};

impl Authed {
    pub async fn blocked_addresses(&self) -> ApiResult<Page<BlockedAddress>> {
        self.get("/api/v1/blocked-addresses", &[("limit", "200".into())]).await
    }

    /// Blocks the address the contact's session started from.
    pub async fn block_address(&self, contact_id: ContactId) -> ApiResult<BlockedAddress> {
        self.with_body(Request::post, "/api/v1/blocked-addresses", &BlockAddress { contact_id }).await
    }

    pub async fn unblock_address(&self, address: &str) -> ApiResult<()> {
        let encoded = js_sys::encode_uri_component(address);
        self.empty(Request::delete, &format!("/api/v1/blocked-addresses/{encoded}")).await
    }
}
