using Microsoft.Extensions.Logging;

namespace SessionCluster.Sessions.Flows;

/// <summary>
/// Log events of what the edge asks of a session beyond messaging (settings, presence, contact checks, calls, restart),
/// EventIds 1600–1699. No phone number, no presence target, no caller: counts and ids only.
/// </summary>
internal static partial class CapabilitiesLog
{
    [LoggerMessage(EventId = 1600, Level = LogLevel.Information, Message = "Session {SessionId}: settings updated (markOnline {MarkOnline}, readReceipts {ReadReceipts}, rejectCalls {RejectCalls}, ignore {Ignore}, sendRate {SendRate}).")]
    public static partial void SettingsUpdated(ILogger logger, string sessionId, bool markOnline, bool readReceipts, bool rejectCalls, string ignore, string sendRate);

    [LoggerMessage(EventId = 1601, Level = LogLevel.Debug, Message = "Session {SessionId}: presence {State} sent.")]
    public static partial void PresenceSent(ILogger logger, string sessionId, PresenceState state);

    [LoggerMessage(EventId = 1602, Level = LogLevel.Debug, Message = "Session {SessionId}: {Count} numbers checked, {OnWhatsApp} on WhatsApp.")]
    public static partial void ContactsChecked(ILogger logger, string sessionId, int count, int onWhatsApp);

    [LoggerMessage(EventId = 1603, Level = LogLevel.Information, Message = "Session {SessionId}: incoming call {CallId} rejected (rejectCalls is on).")]
    public static partial void CallRejected(ILogger logger, string sessionId, string callId);

    [LoggerMessage(EventId = 1604, Level = LogLevel.Information, Message = "Session {SessionId}: restart by command; the connection is dropped and a new one opens now.")]
    public static partial void Restarting(ILogger logger, string sessionId);

    [LoggerMessage(EventId = 1605, Level = LogLevel.Debug, Message = "Session {SessionId}: the next send waits {Wait} for the session's send rate.")]
    public static partial void SendPaced(ILogger logger, string sessionId, TimeSpan wait);

    [LoggerMessage(EventId = 1606, Level = LogLevel.Information, Message = "Session {SessionId}: a group request was refused by the server with {Code}.")]
    public static partial void GroupRefused(ILogger logger, string sessionId, int code);
}
