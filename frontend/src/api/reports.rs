//! Reports (admins).

use super::{ApiResult, Authed, Failure, failure_of};
use gloo_net::http::Request;
use shared::Page;
use shared::api::{ConversationsReport, MissedEpisode, RatingsReport};

impl Authed {
    /// A page of the missed history for `query` (from, to, cursor, limit).
    pub async fn missed_history(&self, query: &[(&str, String)]) -> ApiResult<Page<MissedEpisode>> {
        self.get("/api/v1/reports/missed", query).await
    }

    /// The ratings in a range: figures and the latest.
    pub async fn ratings_report(&self, query: &[(&str, String)]) -> ApiResult<RatingsReport> {
        self.get("/api/v1/reports/ratings", query).await
    }

    /// The conversations that started in a range: per day, per hour, response and resolution times, replies.
    pub async fn conversations_report(&self, query: &[(&str, String)]) -> ApiResult<ConversationsReport> {
        self.get("/api/v1/reports/conversations", query).await
    }

    /// A report as CSV text (`path` ends in `.csv`).
    pub async fn csv(&self, path: &str, query: &[(&str, String)]) -> ApiResult<String> {
        let response =
            self.send(|| Request::get(path).query(query.iter().map(|(k, v)| (*k, v.as_str()))), None).await?;
        if !response.ok() {
            return Err(failure_of(response).await);
        }
        response.text().await.map_err(Failure::local)
    }
}
