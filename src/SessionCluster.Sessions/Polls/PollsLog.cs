using Microsoft.Extensions.Logging;

namespace SessionCluster.Sessions.Polls;

/// <summary>Poll votes (18xx of <see cref="SessionsEventIds"/>). Never the secret nor the options chosen.</summary>
internal static partial class PollsLog
{
    [LoggerMessage(EventId = 1800, Level = LogLevel.Warning,
        Message = "Session {SessionId}: vote {MessageId} from {Device} on poll {PollMessageId} could not be read ({Failure}); it is stored as undecrypted.")]
    public static partial void VoteUnreadable(ILogger logger, string sessionId, string messageId, string device, string pollMessageId, string failure);
}
