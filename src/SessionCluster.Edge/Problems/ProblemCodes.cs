namespace SessionCluster.Edge.Problems;

/// <summary>
/// The stable <c>code</c> of every problem the API answers (RFC 9457's extension member). Clients branch on these,
/// never on titles or details, so a code is never renamed; docs/API.md lists each with its status.
/// </summary>
public static class ProblemCodes
{
    public const string Unauthorized = "unauthorized";
    public const string Forbidden = "forbidden";
    public const string TenantNotFound = "tenant_not_found";
    public const string TenantExists = "tenant_exists";
    public const string KeyNotFound = "key_not_found";
    public const string SessionQuotaExceeded = "session_quota_exceeded";
    public const string RateLimited = "rate_limited";
    public const string InvalidRequest = "invalid_request";
    public const string SessionNotFound = "session_not_found";
    public const string SessionExists = "session_exists";
    public const string SessionLinked = "session_linked";
    public const string SessionNotLinked = "session_not_linked";
    public const string SessionEnded = "session_ended";
    public const string SessionNotConnected = "session_not_connected";
    public const string InvalidRecipient = "invalid_recipient";
    public const string InvalidContent = "invalid_content";
    public const string SessionUnavailable = "session_unavailable";
    public const string MessageNotFound = "message_not_found";
    public const string Timeout = "timeout";
    public const string EdgeUnavailable = "edge_unavailable";
    public const string NotAcceptable = "not_acceptable";
    public const string LinkInProgress = "link_in_progress";
    public const string PairingRefused = "pairing_refused";
    public const string LinkFailed = "link_failed";
    public const string SessionConnecting = "session_connecting";
    public const string ChatNotFound = "chat_not_found";
    public const string WebhookNotFound = "webhook_not_found";
    public const string DeadLetterNotFound = "dead_letter_not_found";
    public const string WebhookVerificationFailed = "webhook_verification_failed";
    public const string GroupNotFound = "group_not_found";
    public const string GroupForbidden = "group_forbidden";
    public const string GroupConflict = "group_conflict";
    public const string GroupRefused = "group_refused";
    public const string MediaUnreachable = "media_unreachable";
    public const string MediaTooLarge = "media_too_large";
    public const string MediaUploadFailed = "media_upload_failed";
    public const string MediaNotFound = "media_not_found";
    public const string MediaGone = "media_gone";
    public const string MediaIntegrity = "media_integrity";
    public const string MediaDownloadFailed = "media_download_failed";
    public const string PictureNotFound = "picture_not_found";
    public const string UploadNotFound = "upload_not_found";
    public const string MessageNotEditable = "message_not_editable";
    public const string MessageNotRevocable = "message_not_revocable";
    public const string PollNotFound = "poll_not_found";
    public const string InvalidPollOption = "invalid_poll_option";
    public const string AppStateKeyMissing = "app_state_key_missing";
    public const string AppStateConflict = "app_state_conflict";
}
